-- Pin: PATCH agent_id of the account's numbers in turn (HUB_IDS).
local ids = {}
for id in string.gmatch(os.getenv("HUB_IDS") or "", "[^,]+") do
  table.insert(ids, id)
end
wrk.headers["Content-Type"] = "application/json"
function make_request(thread_id, n)
  local body = string.format('{"agent_id": "agent_%03d"}', n % 20)
  return wrk.format("PATCH", "/api/v1/telephony/numbers/" .. ids[(thread_id * 7919 + n) % #ids + 1],
                    nil, body)
end
dofile(os.getenv("WRK_COMMON"))
