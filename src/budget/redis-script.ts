/**
 * The Lua that makes the Redis store atomic: reserve (check every counter, then take from all
 * or none), inspect and settle, each one EVALSHA. All keys of a call share the tenant's hash
 * tag, so they sit in one slot and the scripts run unchanged on Redis Cluster.
 */

/**
 * Counter hash: s = window start (ms), u = spent, r = reserved; a hash whose s is not the
 * current window's start counts as empty. Reservation hash: t = tokens, m = expiry mode,
 * n = counters, k<i>/s<i> = each counter's key and the window start it was taken in.
 * The expiry sorted set holds reservation keys scored by expiry time; every call sweeps it.
 * Sweeping and settling touch the counter keys named in a reservation hash; they carry the
 * same hash tag as the declared keys, so they are local to the node that runs the script.
 */
const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function fields(key)
  local raw = redis.call('HGETALL', key)
  local f = {}
  for i = 1, #raw, 2 do f[raw[i]] = raw[i + 1] end
  return f
end

local function unreserve(f, charged)
  local tokens = tonumber(f.t) or 0
  local n = tonumber(f.n) or 0
  for i = 1, n do
    local key = f['k' .. i]
    local start = tonumber(f['s' .. i])
    if key then
      local h = redis.call('HMGET', key, 's', 'r')
      if tonumber(h[1]) == start then
        local r = (tonumber(h[2]) or 0) - tokens
        if r < 0 then r = 0 end
        redis.call('HSET', key, 'r', r)
        if charged > 0 then redis.call('HINCRBY', key, 'u', charged) end
      end
    end
  end
  return tokens
end

local function sweep(zkey, now)
  local due = redis.call('ZRANGEBYSCORE', zkey, '-inf', now, 'LIMIT', 0, 64)
  for _, rk in ipairs(due) do
    local f = fields(rk)
    if f.t then
      local charged = 0
      if f.m == 'charge' then charged = tonumber(f.t) or 0 end
      unreserve(f, charged)
    end
    redis.call('DEL', rk)
    redis.call('ZREM', zkey, rk)
  end
end

local function read(key, start)
  local h = redis.call('HMGET', key, 's', 'u', 'r')
  if tonumber(h[1]) == start then return tonumber(h[2]) or 0, tonumber(h[3]) or 0 end
  return 0, 0
end
`;

/**
 * KEYS: reservation, expiry set, counters...; ARGV: tokens, ttl ms, expiry mode, then limit and
 * window ms per counter. Returns {ok, now, then reset_at, spent, reserved, fits per counter}.
 */
export const RESERVE_LUA = `${PRELUDE}
local now = now_ms()
sweep(KEYS[2], now)
local tokens = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local n = #KEYS - 2
local dup = redis.call('EXISTS', KEYS[1]) == 1
local out = {0, now}
local starts = {}
local refused = false
for i = 1, n do
  local limit = tonumber(ARGV[2 + 2 * i])
  local win = tonumber(ARGV[3 + 2 * i])
  local start = now - (now % win)
  starts[i] = start
  local u, r = read(KEYS[2 + i], start)
  local fits = dup or (u + r + tokens <= limit)
  if not fits then refused = true end
  out[#out + 1] = start + win
  out[#out + 1] = u
  out[#out + 1] = r
  out[#out + 1] = fits and 1 or 0
end
if refused then return out end
if not dup then
  local res = {'t', tokens, 'm', ARGV[3], 'n', n}
  for i = 1, n do
    local key = KEYS[2 + i]
    local win = tonumber(ARGV[3 + 2 * i])
    if tonumber(redis.call('HGET', key, 's')) ~= starts[i] then
      redis.call('HSET', key, 's', starts[i], 'u', 0, 'r', tokens)
    else
      redis.call('HINCRBY', key, 'r', tokens)
    end
    redis.call('PEXPIREAT', key, starts[i] + win + 60000)
    out[2 + (i - 1) * 4 + 3] = out[2 + (i - 1) * 4 + 3] + tokens
    res[#res + 1] = 'k' .. i
    res[#res + 1] = key
    res[#res + 1] = 's' .. i
    res[#res + 1] = starts[i]
  end
  redis.call('HSET', KEYS[1], unpack(res))
  redis.call('PEXPIRE', KEYS[1], ttl + 86400000)
  redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
  if redis.call('PTTL', KEYS[2]) < ttl + 86400000 then redis.call('PEXPIRE', KEYS[2], ttl + 86400000) end
end
out[1] = 1
return out
`;

/** KEYS: expiry set, counters...; ARGV: window ms per counter. Returns {now, then reset_at, spent, reserved per counter}. */
export const INSPECT_LUA = `${PRELUDE}
local now = now_ms()
sweep(KEYS[1], now)
local out = {now}
for i = 2, #KEYS do
  local win = tonumber(ARGV[i - 1])
  local start = now - (now % win)
  local u, r = read(KEYS[i], start)
  out[#out + 1] = start + win
  out[#out + 1] = u
  out[#out + 1] = r
end
return out
`;

/** KEYS: reservation, expiry set; ARGV: tokens to charge (negative: what was reserved). Returns {found, reserved, charged}. */
export const SETTLE_LUA = `${PRELUDE}
local f = fields(KEYS[1])
if not f.t then return {0, 0, 0} end
local charged = tonumber(ARGV[1])
if charged < 0 then charged = tonumber(f.t) or 0 end
local tokens = unreserve(f, charged)
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
return {1, tokens, charged}
`;
