-- wrk script: the same resend every time, so the gateway answers from its store (replays).
request = function()
  return wrk.format("POST", "/api/connectionrequests/7c0e2d6e-4f4b-4a59-9f1e-0c3b8a1d2e4f/resend?ContactId=0f8fad5b-d9cb-469f-a165-70867728950e",
    { ["Accept"] = "application/json", ["Authorization"] = "Bearer bench-key-0123456789abcdef" })
end

-- BENCH_PAUSE_MS (environment): each connection waits that long between requests (the -paced rows).
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end
