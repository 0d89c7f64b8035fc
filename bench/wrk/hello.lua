-- The ceiling: GET /hello on the hello-world app.
function make_request(thread_id, n)
  return wrk.format("GET", "/hello")
end
dofile(os.getenv("WRK_COMMON"))
