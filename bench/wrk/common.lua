-- Shared by every workload: the key, a per-thread id, 5xx counting, and a JSON summary.
-- A workload script sets `make_request` (returning wrk.format(...)) and then dofile()s us.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  server_errors = 0
  requests_made = 0
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("HUB_KEY") or "")
end

function request()
  requests_made = requests_made + 1
  return make_request(id, requests_made)
end

function response(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  end
end

function done(summary, latency, requests)
  local errors = 0
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("server_errors")
  end
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "non_2xx": %d, "server_errors": %d, ' ..
    '"socket_errors": %d, "p50_ms": %.3f, "p99_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status, errors,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
