-- List numbers: the first page of 50 of the benchmark account.
function make_request(thread_id, n)
  return wrk.format("GET", "/api/v1/telephony/numbers?limit=50")
end
dofile(os.getenv("WRK_COMMON"))
