-- Route a call: each request asks who answers the next of the account's numbers
-- (HUB_E164S), with the platform key (HUB_PLATFORM_KEY), under HUB_PREFIX (/v1 through
-- nginx). The `+` goes as it is: a path keeps it.
local prefix = os.getenv("HUB_PREFIX") or "/api/v1"
local numbers = {}
for e164 in string.gmatch(os.getenv("HUB_E164S") or "", "[^,]+") do
  table.insert(numbers, e164)
end
function make_request(thread_id, n)
  return wrk.format("GET", prefix .. "/telephony/routes/" .. numbers[(thread_id * 7919 + n) % #numbers + 1])
end
dofile(os.getenv("WRK_COMMON"))
local common_init = init
function init(args)
  common_init(args)
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("HUB_PLATFORM_KEY") or "")
end
