import { LocalAttempts, type AttemptWindow, type Refund } from './attempts';
import { LocalLimiter, type KeyedLimiter, type LimitVerdict } from './limiter';
import type { SharedRedis } from './redis-client';

/**
 * While Redis is unreachable, limits fall back to this process's own counters rather than
 * refuse everyone or wait for the reconnect: chat goes on (sends are committed and reach
 * everyone once the bus is back, docs/architecture.md "Several processes"), and each limit
 * still holds per process — an attacker gets at most one budget per process for the length
 * of the outage, which /healthz (503) tells the operator about.
 */
function usable(redis: SharedRedis): boolean {
	return redis.client.status === 'ready';
}

export class FallbackLimiter implements KeyedLimiter {
	private readonly local: LocalLimiter;

	constructor(
		private readonly redis: SharedRedis,
		private readonly shared: KeyedLimiter,
		perSecond: number,
		burst: number
	) {
		this.local = new LocalLimiter(perSecond, burst);
	}

	take(key: string): LimitVerdict | Promise<LimitVerdict> {
		if (!usable(this.redis)) return this.local.take(key);
		return Promise.resolve(this.shared.take(key)).catch(() => this.local.take(key));
	}
}

export class FallbackAttempts implements AttemptWindow {
	private readonly local: LocalAttempts;

	constructor(
		private readonly redis: SharedRedis,
		private readonly shared: AttemptWindow,
		limit: number,
		windowMs: number
	) {
		this.local = new LocalAttempts(limit, windowMs);
	}

	reserve(key: string): Promise<Refund | null> {
		return this.either((w) => w.reserve(key));
	}

	retryAfterMs(key: string): Promise<number> {
		return this.either((w) => w.retryAfterMs(key));
	}

	reset(key: string): Promise<void> {
		return this.either((w) => w.reset(key));
	}

	private async either<T>(run: (w: AttemptWindow) => Promise<T>): Promise<T> {
		if (!usable(this.redis)) return run(this.local);
		try {
			return await run(this.shared);
		} catch {
			return run(this.local);
		}
	}
}
