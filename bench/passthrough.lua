-- wrk script: a path the gateway passes through unchanged (no resend plugin runs, nothing is stored),
-- so the row measures the serving engine and the libcurl forward alone: the ceiling for resends.
math.randomseed(os.time())

request = function()
  return wrk.format("GET", "/api/contacts?Skip=" .. math.random(0, 1000000) .. "&Take=10",
    { ["Accept"] = "application/json" })
end

-- BENCH_PAUSE_MS (environment): each connection waits that long between requests (the -paced rows).
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end
