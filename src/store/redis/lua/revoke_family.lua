-- Marks a family revoked, without creating it when it is gone already.
-- KEYS: as `Scripts::revoke_family` (scripts.rs) builds them.
local family_key = KEYS[1]   -- the family's hash

if redis.call('EXISTS', family_key) == 1 then redis.call('HSET', family_key, 'rev', '1') end
return 1
