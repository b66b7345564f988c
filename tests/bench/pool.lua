-- pool.lua - wrk script for `make bench`: replay a request pool written by tests/bench/gen.
--
-- Usage: wrk -t T -c C -d D -s pool.lua URL -- POOL_FILE T READY_DIR
--
-- Each wrk thread loads only its own contiguous slice of the pool (thread i of T takes requests
-- i*n/T+1 .. (i+1)*n/T), formats them with wrk.format("POST", path, headers, body) while loading,
-- and cycles through them. A thread that sends more than its slice starts again at the top of
-- it: those requests are duplicates (zhibu answers them from the event log) and are counted as
-- "wrapped".
--
-- Loading a big slice takes a second or more, and wrk loads thread i+1 while thread i already
-- runs but starts its clock only after the last thread is created. So that no thread sends
-- before the clock starts, each thread writes READY_DIR/ready.<id> when loaded and holds its
-- first request until every thread's file exists (READY_DIR must be empty and private to this
-- run). The one request() call wrk makes on thread 0 to check the request, before any thread
-- runs, is answered without waiting and is not counted.
--
-- done() prints one machine-readable line for tests/bench/run.sh:
--
--   BENCH requests=N duration_us=N rps=F p50_us=N p99_us=N non2xx=N connect=N read=N write=N
--         timeout=N sent=N pool=N wrapped=N
--
-- requests is wrk's count of completed responses; sent counts requests handed to wrk; pool the
-- distinct requests loaded. non2xx is wrk's status error count (responses with a status of 400
-- or more; wrk's summary prints it as "Non-2xx or 3xx responses"): counting every status in a
-- response() callback would make wrk parse every reply and take CPU from the server on a small
-- machine. Latency percentiles are wrk's, in microseconds.

threads = {} -- main state: every wrk thread, for done()

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

-- thread states: the slice, the cursor and what was sent
pool = {}
n = 0
pos = 0
sent = 0
checked = false -- wrk's check call on thread 0 has been answered
running = false -- every thread has loaded its slice

local ready_dir, nthreads

local function all_ready()
   for i = 0, nthreads - 1 do
      local f = io.open(ready_dir .. "/ready." .. i, "r")
      if not f then
         return false
      end
      f:close()
   end
   return true
end

-- pause - sleep about a millisecond (LuaJIT's FFI), or spin where there is no FFI
local ok_ffi, ffi = pcall(require, "ffi")
if ok_ffi then
   ffi.cdef("int usleep(unsigned int usec);")
end
local function pause()
   if ok_ffi then
      ffi.C.usleep(1000)
   end
end

function init(args)
   local path = args[1]
   nthreads, ready_dir = tonumber(args[2]), args[3]
   if not path or not nthreads or not ready_dir then
      error("usage: wrk ... -s pool.lua URL -- POOL_FILE THREADS READY_DIR")
   end
   local f = assert(io.open(path, "rb"))
   local total = tonumber((f:read("*l") or ""):match("^# zhibu%-bench%-pool .*n=(%d+)"))
   if not total then
      error(path .. " is not a pool written by tests/bench/gen")
   end
   local first = math.floor(id * total / nthreads) + 1
   local last = math.floor((id + 1) * total / nthreads)
   local i = 0
   for line in f:lines() do
      i = i + 1
      if i > last then
         break
      end
      if i >= first then
         -- PATH <TAB> BODY [<TAB> Header: value]... (the QQ pools carry their signed headers)
         local fields = {}
         for field in (line .. "\t"):gmatch("([^\t]*)\t") do
            fields[#fields + 1] = field
         end
         local headers = { ["Content-Type"] = "text/xml" }
         for k = 3, #fields do
            local name, value = fields[k]:match("^([^:]+): (.*)$")
            if name then
               headers[name] = value
            end
         end
         n = n + 1
         pool[n] = wrk.format("POST", fields[1], headers, fields[2])
      end
   end
   f:close()
   if n == 0 then
      error(path .. ": no requests for thread " .. id)
   end
   assert(io.open(ready_dir .. "/ready." .. id, "w")):close()
end

function request()
   if id == 0 and not checked then
      checked = true
      return pool[1]
   end
   if not running then
      while not all_ready() do
         pause()
      end
      running = true
   end
   pos = pos + 1
   if pos > n then
      pos = 1
   end
   sent = sent + 1
   return pool[pos]
end

function done(summary, latency, requests)
   local sent_all, pool_all, wrapped = 0, 0, 0
   for _, t in ipairs(threads) do
      local s, sl = t:get("sent"), t:get("n")
      sent_all = sent_all + s
      pool_all = pool_all + sl
      if s > sl then
         wrapped = wrapped + (s - sl)
      end
   end
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d non2xx=%d connect=%d " ..
      "read=%d write=%d timeout=%d sent=%d pool=%d wrapped=%d\n",
      summary.requests, summary.duration, summary.requests / summary.duration * 1e6,
      latency:percentile(50), latency:percentile(99), e.status, e.connect, e.read, e.write,
      e.timeout, sent_all, pool_all, wrapped))
end
