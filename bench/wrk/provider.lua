-- Register a provider credential: sealing included.
wrk.headers["Content-Type"] = "application/json"
function make_request(thread_id, n)
  return wrk.format("POST", "/api/v1/telephony/providers", nil,
    '{"provider": "twilio", "label": "Bench", "credentials": ' ..
    '{"account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": "bench-token"}}')
end
dofile(os.getenv("WRK_COMMON"))
