local f = redis.call('HMGET', KEYS[1], 'sub', 'email', 'started', 'abs', 'idle', 'cur', 'par', 'pc', 'dlv', 'rev')
if not f[1] then return {'unknown'} end
local presented = ARGV[1]
local now = tonumber(ARGV[2])
if presented ~= f[6] and presented ~= f[7] and not redis.call('LPOS', KEYS[2], presented) then
  return {'unknown'}
end
if f[10] == '1' then return {'revoked', f[1]} end
local abs = tonumber(f[4])
local idle = tonumber(f[5])
if now >= abs then return {'expired', 'absolute', abs} end
if now >= idle then return {'expired', 'idle', idle} end
local new_idle = math.min(now + tonumber(ARGV[3]), abs)
if presented == f[6] then
  if f[7] and f[7] ~= '' then
    redis.call('LPUSH', KEYS[2], f[7])
    redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[5]) - 1)
  end
  redis.call('HSET', KEYS[1], 'par', presented, 'cur', ARGV[6], 'pc', ARGV[2], 'dlv', '0',
    'idle', string.format('%.0f', new_idle))
  redis.call('PEXPIRE', KEYS[1], math.max(1, new_idle - now))
  redis.call('PEXPIRE', KEYS[2], math.max(1, new_idle - now))
  return {'rotated', f[1], f[2], tonumber(f[3]), abs, new_idle, ARGV[6]}
end
if presented == f[7] and (f[9] == '0' or now < tonumber(f[8]) + tonumber(ARGV[4])) then
  for i = 6, #ARGV do
    if ARGV[i] == f[6] then
      redis.call('HSET', KEYS[1], 'idle', string.format('%.0f', new_idle))
      redis.call('PEXPIRE', KEYS[1], math.max(1, new_idle - now))
      redis.call('PEXPIRE', KEYS[2], math.max(1, new_idle - now))
      return {'repeated', f[1], f[2], tonumber(f[3]), abs, new_idle, f[6], i - 6}
    end
  end
end
redis.call('HSET', KEYS[1], 'rev', '1')
return {'reused', f[1]}
