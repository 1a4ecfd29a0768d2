-- One refresh of a family, atomically: the rules of `Rotation`, in its order.
-- KEYS and ARGV: as `Scripts::rotate` (scripts.rs) builds them.
local family_key = KEYS[1]             -- the family's hash
local used_key = KEYS[2]               -- its consumed token hashes, newest first
local presented = ARGV[1]              -- the presented token's hash, hex
local now_ms = ARGV[2]                 -- the time of the refresh, ms (text: stored as given)
local idle_ttl = tonumber(ARGV[3])     -- ms
local grace = tonumber(ARGV[4])        -- ms
local remembered = tonumber(ARGV[5])   -- how many consumed hashes the used list keeps
local FIRST_SUCCESSOR = 6              -- ARGV[6..]: the successors' hashes, current key first
local successor = ARGV[FIRST_SUCCESSOR]
local now = tonumber(now_ms)

-- The family's fields, under the names `RedisStore::start` writes them (data in a running
-- Redis depends on them: do not rename).
local f = redis.call('HMGET', family_key,
  'sub', 'email', 'started', 'abs', 'idle', 'cur', 'par', 'pc', 'dlv', 'rev')
local sub = f[1]
local email = f[2]
local started = f[3]                   -- ms
local absolute_expiry = f[4]           -- ms
local idle_expiry = f[5]               -- ms
local current = f[6]                   -- the live token's hash
local parent = f[7]                    -- the token it replaced ('' before the first refresh)
local parent_consumed = f[8]           -- when the parent was consumed, ms
local delivered = f[9]                 -- '1' once the live token was acknowledged
local revoked = f[10]                  -- '1' once the family is revoked

-- Rule 1.
if not sub then return {'unknown'} end
if presented ~= current and presented ~= parent and not redis.call('LPOS', used_key, presented) then
  return {'unknown'}
end
-- Rule 2.
if revoked == '1' then return {'revoked', sub} end
-- Rule 3.
local abs = tonumber(absolute_expiry)
local idle = tonumber(idle_expiry)
if now >= abs then return {'expired', 'absolute', abs} end
if now >= idle then return {'expired', 'idle', idle} end
local new_idle = math.min(now + idle_ttl, abs)
-- Rule 4.
if presented == current then
  if parent and parent ~= '' then
    redis.call('LPUSH', used_key, parent)
    redis.call('LTRIM', used_key, 0, remembered - 1)
  end
  redis.call('HSET', family_key, 'par', presented, 'cur', successor, 'pc', now_ms, 'dlv', '0',
    'idle', string.format('%.0f', new_idle))
  redis.call('PEXPIRE', family_key, math.max(1, new_idle - now))
  redis.call('PEXPIRE', used_key, math.max(1, new_idle - now))
  return {'rotated', sub, email, tonumber(started), abs, new_idle, successor}
end
-- Rule 5.
if presented == parent and (delivered == '0' or now < tonumber(parent_consumed) + grace) then
  for i = FIRST_SUCCESSOR, #ARGV do
    if ARGV[i] == current then
      redis.call('HSET', family_key, 'idle', string.format('%.0f', new_idle))
      redis.call('PEXPIRE', family_key, math.max(1, new_idle - now))
      redis.call('PEXPIRE', used_key, math.max(1, new_idle - now))
      return {'repeated', sub, email, tonumber(started), abs, new_idle, current, i - FIRST_SUCCESSOR}
    end
  end
end
-- Rule 6.
redis.call('HSET', family_key, 'rev', '1')
return {'reused', sub}
