-- wrk script of the assignment benchmarks: GET one experiment's assignment for a new unit on
-- each request. EXPERIMENT (default welcome-sms), UNITS (how many distinct units to cycle
-- through, default 400000: the seeded customers with records are among them) and PREFIX come
-- from the environment.
local experiment = os.getenv("EXPERIMENT") or "welcome-sms"
local units = tonumber(os.getenv("UNITS") or "400000")
local prefix = os.getenv("PREFIX") or "C"
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/v1/experiments/" .. experiment .. "/assignment?unit=" .. prefix .. (counter % units))
end
