local f = redis.call('HMGET', KEYS[1], 'sub', 'cur', 'par')
if not f[1] then return {'unknown'} end
if ARGV[1] ~= f[2] and ARGV[1] ~= f[3] and not redis.call('LPOS', KEYS[2], ARGV[1]) then
  return {'unknown'}
end
redis.call('HSET', KEYS[1], 'rev', '1')
return {'ended', f[1]}
