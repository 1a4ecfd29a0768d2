-- Records that the live token reached the client, unless it has been replaced meanwhile.
-- KEYS and ARGV: as `Scripts::acknowledge` (scripts.rs) builds them.
local family_key = KEYS[1]   -- the family's hash
local delivered = ARGV[1]    -- the hash of the token the client received, hex

if redis.call('HGET', family_key, 'cur') == delivered then
  redis.call('HSET', family_key, 'dlv', '1')
end
return 1
