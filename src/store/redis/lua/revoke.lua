-- Records a revocation entry in its shard, drops the shard's expired ones, and publishes the
-- entry with its sequence number, so that every mirror can tell a missed message.
-- KEYS and ARGV: as `Scripts::revoke` (scripts.rs) builds them.
local entries_key = KEYS[1]    -- the sorted set of entries, scored by when each may be dropped
local sequence_key = KEYS[2]   -- the number of the last entry written
local member = ARGV[1]         -- the entry, as layout.rs writes it
local drop_at = ARGV[2]        -- when it may be dropped, ms (text: published as given)
local now = ARGV[3]            -- ms
local channel = ARGV[4]        -- in the keys' slot (their hash tag), for SPUBLISH
local publish = ARGV[5]        -- 'PUBLISH' (one Redis) or 'SPUBLISH' (a cluster: the slot's shard)

redis.call('ZREMRANGEBYSCORE', entries_key, '-inf', now)
-- An entry written again keeps the later of its drop times.
local old = redis.call('ZSCORE', entries_key, member)
if not old or tonumber(old) < tonumber(drop_at) then
  redis.call('ZADD', entries_key, drop_at, member)
end
local seq = redis.call('INCR', sequence_key)
redis.call(publish, channel, seq .. ' ' .. drop_at .. ' ' .. member)
return seq
