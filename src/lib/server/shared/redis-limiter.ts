import { LuaScript } from './lua';
import type { KeyedLimiter, LimitVerdict } from './limiter';
import type { SharedRedis } from './redis-client';

/**
 * The token bucket of realtime/rate-limit.ts, kept in one Redis hash per key and updated by
 * one script, so every process takes from the same bucket and two takes never both see the
 * last token. The clock is Redis's (TIME), so processes with skewed clocks agree too. The
 * hash expires when the bucket would be full again: a full bucket is a fresh one.
 */
const TAKE = new LuaScript(`
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * rate) end
if now < at then now = at end
local ok = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  ok = 1
else
  wait = math.ceil((math.min(cost, burst) - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return {ok, wait}
`);

export class RedisLimiter implements KeyedLimiter {
	/** Tokens per millisecond. */
	private readonly rate: number;

	constructor(
		private readonly redis: SharedRedis,
		/** Names the limit in the keys (`send`), so limits with other rates never mix. */
		private readonly name: string,
		perSecond: number,
		private readonly burst: number
	) {
		this.rate = perSecond / 1000;
	}

	async take(key: string, cost = 1): Promise<LimitVerdict> {
		const [ok, wait] = (await TAKE.run(
			this.redis.client,
			[this.redis.key('limit', this.name, key)],
			[this.rate, this.burst, cost]
		)) as [number, number];
		return ok === 1 ? { ok: true } : { ok: false, waitMs: Math.max(1, wait) };
	}
}
