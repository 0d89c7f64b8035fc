-- List numbers with agent_id: a page of 50 of one agent's numbers.
function make_request(thread_id, n)
  return wrk.format("GET", "/api/v1/telephony/numbers?agent_id=agent_007&limit=50")
end
dofile(os.getenv("WRK_COMMON"))
