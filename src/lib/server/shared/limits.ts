import { LocalAttempts, type AttemptWindow } from './attempts';
import { FallbackAttempts, FallbackLimiter } from './fallback';
import { LocalLimiter, type KeyedLimiter } from './limiter';
import { RedisAttempts } from './redis-attempts';
import type { SharedRedis } from './redis-client';
import { RedisLimiter } from './redis-limiter';

/**
 * A token bucket per key named `name`: shared by every process through Redis when there is
 * one (this process's own while Redis is away, shared/fallback.ts), else this process's own.
 */
export function keyedLimiter(
	redis: SharedRedis | null,
	name: string,
	perSecond: number,
	burst: number
): KeyedLimiter {
	return redis
		? new FallbackLimiter(redis, new RedisLimiter(redis, name, perSecond, burst), perSecond, burst)
		: new LocalLimiter(perSecond, burst);
}

/** An attempt window (login failures, registrations…), shared the same way. */
export function attemptWindow(
	redis: SharedRedis | null,
	name: string,
	limit: number,
	windowMs: number
): AttemptWindow {
	return redis
		? new FallbackAttempts(redis, new RedisAttempts(redis, name, limit, windowMs), limit, windowMs)
		: new LocalAttempts(limit, windowMs);
}
