redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local old = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not old or tonumber(old) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
end
local seq = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[4], seq .. ' ' .. ARGV[2] .. ' ' .. ARGV[1])
return seq
