-- wrk script: a path the gateway passes through unchanged (no resend plugin runs, nothing is stored),
-- so the row measures the serving engine and the libcurl forward alone: the ceiling for resends.
math.randomseed(os.time())

request = function()
  return wrk.format("GET", "/api/contacts?Skip=" .. math.random(0, 1000000) .. "&Take=10",
    { ["Accept"] = "application/json" })
end
