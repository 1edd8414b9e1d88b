-- KEYS[1]: one bucket. Fields: t = when the next permit is due at the steady pace (microseconds,
-- Redis clock); f = slots handed back by cancelled waiters, ascending. ARGV[1]: a = acquire,
-- r = refund ARGV[5] (slot) reserved as ARGV[6] (t after it, -1 for a returned slot), p = push t on
-- by ARGV[5] microseconds. ARGV[2]: microseconds between permits; ARGV[3]: burst tolerance;
-- ARGV[4]: horizon, the longest wait a slot may be reserved for.
if redis.replicate_commands then pcall(redis.replicate_commands) end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local horizon = tonumber(ARGV[4])
-- Both fields in one read; false when absent.
local fields = redis.call('HMGET', KEYS[1], 't', 'f')
local t = tonumber(fields[1] or now)
-- This script never stores t more than horizon + interval + tolerance ahead: a t further on (or not a
-- number) was written by something else, a poisoned or corrupt key. Nothing of it can be trusted: the
-- schedule restarts from now, as if the key had expired, and an acquire answers the wait that t asked
-- for (at most 1e17) without reserving, so the caller reports the fault.
local corrupt = nil
if t == nil or t ~= t or t > now + horizon + interval + tolerance then
  corrupt = 1e17
  if t ~= nil and t == t then corrupt = math.min(t - now, 1e17) end
  t = now
end
local free = {}
local stored = fields[2]
if stored and not corrupt then
  for s in string.gmatch(stored, '%d+') do
    local slot = tonumber(s)
    if slot >= now and slot <= now + horizon then free[#free + 1] = slot end
  end
end
local result
if ARGV[1] == 'a' then
  if corrupt then
    result = {corrupt, now + corrupt, -1}
  elseif #free > 0 then
    local slot = table.remove(free, 1)
    result = {slot - now, slot, -1}
  else
    local slot = math.max(now, t - tolerance)
    if slot - now > horizon then
      -- Beyond the horizon: reserve nothing; the caller refuses the wait.
      result = {slot - now, slot, -1}
    else
      t = math.max(t, now) + interval
      result = {slot - now, slot, t}
    end
  end
elseif ARGV[1] == 'r' then
  local slot = tonumber(ARGV[5])
  local after = tonumber(ARGV[6])
  if after >= 0 and after == t then
    t = after - interval
  elseif slot >= now and slot <= now + horizon and #free < 256 then
    free[#free + 1] = slot
    table.sort(free)
  end
  result = {0, 0, t}
else
  t = math.min(math.max(t, now) + tonumber(ARGV[5]), now + horizon)
  result = {0, 0, t}
end
if #free > 0 then
  local parts = {}
  for i, slot in ipairs(free) do parts[i] = string.format('%.0f', slot) end
  redis.call('HSET', KEYS[1], 't', string.format('%.0f', t), 'f', table.concat(parts, ' '))
else
  redis.call('HSET', KEYS[1], 't', string.format('%.0f', t))
  if stored then redis.call('HDEL', KEYS[1], 'f') end
end
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((t - now) / 1000) + 1))
return {string.format('%.0f', result[1]), string.format('%.0f', result[2]),
  string.format('%.0f', result[3])}
