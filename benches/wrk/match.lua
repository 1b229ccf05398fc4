-- wrk script for `POST /api/v1/match` (BENCHMARKS.md, "Through POST /api/v1/match").
--
--   wrk -t2 -c8 -d20s --latency -s benches/wrk/match.lua http://127.0.0.1:18080
--
-- Every request posts the same profile, read from MATCH_BODY (default
-- benches/wrk/match.json, relative to where wrk runs): a 67-year-old woman from Aarhus (8000)
-- with metastatic breast cancer (DC509), stage IV, one prior line, ECOG 1, HER2 negative and
-- ER positive, as in the engine's criterion benchmark. wrk sends no Accept-Encoding, so the
-- responses are uncompressed JSON; wrk counts any answer other than 2xx or 3xx.

local path = os.getenv("MATCH_BODY") or "benches/wrk/match.json"
local file = assert(io.open(path, "rb"), "cannot open " .. path)
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.path = "/api/v1/match"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

-- Prints the mean response size (headers included) beside wrk's own summary.
function done(summary, latency, requests)
  if summary.requests > 0 then
    io.write(string.format("mean response size: %.0f bytes (%d responses)\n",
      summary.bytes / summary.requests, summary.requests))
  end
end
