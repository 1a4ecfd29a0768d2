-- Logout: revokes the family of any of its tokens.
-- KEYS and ARGV: as `Scripts::end` (scripts.rs) builds them.
local family_key = KEYS[1]   -- the family's hash
local used_key = KEYS[2]     -- its consumed token hashes
local presented = ARGV[1]    -- the presented token's hash, hex

local f = redis.call('HMGET', family_key, 'sub', 'cur', 'par')
local sub = f[1]
local current = f[2]
local parent = f[3]

if not sub then return {'unknown'} end
if presented ~= current and presented ~= parent and not redis.call('LPOS', used_key, presented) then
  return {'unknown'}
end
redis.call('HSET', family_key, 'rev', '1')
return {'ended', sub}
