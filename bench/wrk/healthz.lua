-- The service's own cheapest route: what its hooks and middleware cost over hello.
function make_request(thread_id, n)
  return wrk.format("GET", "/healthz")
end
dofile(os.getenv("WRK_COMMON"))
