-- Get one number: each request asks for the next of the account's numbers (HUB_IDS),
-- under HUB_PREFIX (/v1 through nginx).
local prefix = os.getenv("HUB_PREFIX") or "/api/v1"
local ids = {}
for id in string.gmatch(os.getenv("HUB_IDS") or "", "[^,]+") do
  table.insert(ids, id)
end
function make_request(thread_id, n)
  return wrk.format("GET", prefix .. "/telephony/numbers/" .. ids[(thread_id * 7919 + n) % #ids + 1])
end
dofile(os.getenv("WRK_COMMON"))
