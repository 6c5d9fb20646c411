-- wrk script: every request is a different resend (random ConnectionRequestId and ContactId),
-- so nothing could be answered from a store.
math.randomseed(os.time())

local function hex16()
  return string.format("%04x", math.random(0, 0xffff))
end

local function guid()
  return hex16() .. hex16() .. "-" .. hex16() .. "-" .. hex16() .. "-" .. hex16() .. "-" .. hex16() .. hex16() .. hex16()
end

request = function()
  return wrk.format("POST", "/api/connectionrequests/" .. guid() .. "/resend?ContactId=" .. guid(), { ["Accept"] = "application/json" })
end
