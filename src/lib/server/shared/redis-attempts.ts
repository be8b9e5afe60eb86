import { createHash, randomBytes } from 'node:crypto';
import type { AttemptWindow, Refund } from './attempts';
import { LuaScript } from './lua';
import type { SharedRedis } from './redis-client';

/** Drops the attempts that left the window; Redis's clock (TIME), so processes agree. */
const PRUNE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
`;

/** Counts an attempt (score: when) if under the limit: 1, else 0. */
const RESERVE = new LuaScript(`${PRUNE}
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 1
`);

/** Milliseconds until the oldest attempt leaves the window when at the limit, else 0. */
const RETRY_AFTER = new LuaScript(`${PRUNE}
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then return 0 end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`);

/**
 * The sliding window of auth/throttle.ts in Redis: one sorted set per key whose members are
 * the attempts (a random id each, scored by time), pruned and counted by one script, so
 * processes checking at once cannot all pass the last free place.
 */
export class RedisAttempts implements AttemptWindow {
	constructor(
		private readonly redis: SharedRedis,
		/** Names the window in the keys (`login`, `register`…). */
		private readonly name: string,
		private readonly limit: number,
		private readonly windowMs: number
	) {}

	/** Keys hold user input (a username): hashed, so their length is bounded. */
	private keyOf(key: string): string {
		const digest = createHash('sha256').update(key).digest('base64url').slice(0, 22);
		return this.redis.key('attempts', this.name, digest);
	}

	async reserve(key: string): Promise<Refund | null> {
		if (this.limit === Infinity) return async () => {};
		const k = this.keyOf(key);
		const member = randomBytes(8).toString('base64url');
		const ok = await RESERVE.run(this.redis.client, [k], [this.limit, this.windowMs, member]);
		if (ok !== 1) return null;
		let refunded = false;
		return async () => {
			if (refunded) return;
			refunded = true;
			await this.redis.client.zrem(k, member);
		};
	}

	async retryAfterMs(key: string): Promise<number> {
		if (this.limit === Infinity) return 0;
		const ms = await RETRY_AFTER.run(
			this.redis.client,
			[this.keyOf(key)],
			[this.limit, this.windowMs]
		);
		return Number(ms);
	}

	async reset(key: string): Promise<void> {
		await this.redis.client.del(this.keyOf(key));
	}
}
