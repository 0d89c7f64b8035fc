-- List numbers: the first page of 50 of the benchmark account (under HUB_PREFIX: /v1
-- through nginx).
local prefix = os.getenv("HUB_PREFIX") or "/api/v1"
function make_request(thread_id, n)
  return wrk.format("GET", prefix .. "/telephony/numbers?limit=50")
end
dofile(os.getenv("WRK_COMMON"))
