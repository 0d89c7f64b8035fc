-- List events: the first page of 50 of the benchmark account, newest first.
function make_request(thread_id, n)
  return wrk.format("GET", "/api/v1/telephony/events?limit=50")
end
dofile(os.getenv("WRK_COMMON"))
