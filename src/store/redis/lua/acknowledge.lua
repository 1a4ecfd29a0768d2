if redis.call('HGET', KEYS[1], 'cur') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'dlv', '1')
end
return 1
