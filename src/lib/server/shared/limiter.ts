import { KeyedBuckets } from '../realtime/rate-limit';

/** A refused take: how long until `cost` tokens will be there. */
export type LimitVerdict = { ok: true } | { ok: false; waitMs: number };

const OK: LimitVerdict = { ok: true };

/**
 * Token buckets by key (an account, the guests of an address), `perSecond` refilling up to
 * `burst`. In memory the answer is synchronous; shared through Redis it is a promise, and
 * callers that must keep their order (the write queue) fold it into their checks.
 */
export interface KeyedLimiter {
	take(key: string): LimitVerdict | Promise<LimitVerdict>;
}

/** One process's buckets (no REDIS_URL): exactly the buckets the send path always had. */
export class LocalLimiter implements KeyedLimiter {
	private readonly buckets: KeyedBuckets<string>;

	constructor(perSecond: number, burst: number) {
		this.buckets = new KeyedBuckets(perSecond, burst);
	}

	take(key: string): LimitVerdict {
		const bucket = this.buckets.get(key);
		return bucket.take() ? OK : { ok: false, waitMs: bucket.waitMs() };
	}
}
