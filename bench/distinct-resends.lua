-- wrk script: every request is a different resend (random ConnectionRequestId and ContactId),
-- so nothing could be answered from a store. Carries the bench API key (ignored with auth "none").
-- BENCH_ACCEPT (environment) sets the Accept header; application/json by default.
math.randomseed(os.time())
local accept = os.getenv("BENCH_ACCEPT") or "application/json"

local function hex16()
  return string.format("%04x", math.random(0, 0xffff))
end

local function guid()
  return hex16() .. hex16() .. "-" .. hex16() .. "-" .. hex16() .. "-" .. hex16() .. "-" .. hex16() .. hex16() .. hex16()
end

request = function()
  return wrk.format("POST", "/api/connectionrequests/" .. guid() .. "/resend?ContactId=" .. guid(),
    { ["Accept"] = accept, ["Authorization"] = "Bearer bench-key-0123456789abcdef" })
end

-- BENCH_PAUSE_MS (environment): each connection waits that long between requests (the -paced rows).
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end
