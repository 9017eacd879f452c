-- wrk script body for the GraphQL benchmark (bench/run.py).
--
-- Not run as is: bench/run.py writes bench/out/lua/<op>.lua, a prelude that
-- defines the request, followed by this file. The prelude sets:
--   GRAPHQL_PATH   request path, "/graphql"
--   BODY           a fixed JSON body ({"query": ..., "variables": ...}), or
--   BODY_PREFIX, IDS, BODY_SUFFIX
--                  a body built per request as BODY_PREFIX .. id .. BODY_SUFFIX,
--                  with id picked at random from the IDS table (Q3: driver ids)
--   CHECK_ERRORS   true: read every response and count GraphQL errors
--
-- Every request is POST with Content-Type: application/json. done() prints one
-- line, "FLEETGRAPH_WRK {json}", that bench/run.py parses: counts, errors and
-- latency percentiles in microseconds.

wrk.method = "POST"
wrk.path = GRAPHQL_PATH
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
if BODY then
   wrk.body = BODY
end

local threads = {}

function setup(thread)
   thread:set("thread_number", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   -- Globals, so that done() can read them per thread with thread:get().
   graphql_errors = 0
   bad_status = 0
   first_failure = ""
   math.randomseed(os.time() * 100 + thread_number)
end

if IDS then
   local count = #IDS
   local random = math.random
   function request()
      return wrk.format(nil, nil, nil, BODY_PREFIX .. IDS[random(count)] .. BODY_SUFFIX)
   end
end

if CHECK_ERRORS then
   local find = string.find
   function response(status, headers, body)
      if status < 200 or status > 299 then
         bad_status = bad_status + 1
         if first_failure == "" then
            first_failure = "HTTP " .. status .. ": " .. string.sub(body or "", 1, 300)
         end
      elseif find(body, '"errors":', 1, true) then
         graphql_errors = graphql_errors + 1
         if first_failure == "" then
            first_failure = string.sub(body, 1, 300)
         end
      end
   end
end

local function json_string(text)
   text = string.gsub(text, '[%c"\\]', function(c)
      return string.format("\\u%04x", string.byte(c))
   end)
   return '"' .. text .. '"'
end

function done(summary, latency, requests)
   local graphql, status, failure = 0, 0, ""
   for _, thread in ipairs(threads) do
      graphql = graphql + thread:get("graphql_errors")
      status = status + thread:get("bad_status")
      if failure == "" then
         failure = thread:get("first_failure")
      end
   end
   local errors = summary.errors
   io.write(string.format(
      'FLEETGRAPH_WRK {"requests":%d,"duration_us":%d,"bytes":%d,'
         .. '"connect_errors":%d,"read_errors":%d,"write_errors":%d,'
         .. '"status_errors":%d,"timeouts":%d,'
         .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,'
         .. '"graphql_errors":%d,"bad_status":%d,"first_failure":%s}\n',
      summary.requests, summary.duration, summary.bytes,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean,
      graphql, status, json_string(failure)
   ))
end
