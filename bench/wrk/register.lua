-- Register a number: a new valid one each request, +1 202 then seven digits from
-- 2000000 on, 20,000 of them per run (HUB_NONCE, below 200) and thread.
wrk.headers["Content-Type"] = "application/json"
local nonce = tonumber(os.getenv("HUB_NONCE") or "0")
local credentials_id = os.getenv("HUB_CREDENTIALS_ID")
function make_request(thread_id, n)
  local e164 = string.format("+1202%07d", 2000000 + (nonce * 2 + thread_id) * 20000 + n)
  local body = string.format('{"e164": "%s", "credentials_id": "%s"}', e164, credentials_id)
  return wrk.format("POST", "/api/v1/telephony/numbers", nil, body)
end
dofile(os.getenv("WRK_COMMON"))
