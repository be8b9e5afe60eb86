import { WindowCounter } from '../auth/throttle';

/** Gives a reserved attempt back (once; later calls do nothing). */
export type Refund = () => Promise<void>;

/**
 * Sliding-window attempt counters (login failures, registrations) by key. Shared through
 * Redis when several processes serve one community: otherwise each process would grant
 * an attacker its own budget of guesses.
 */
export interface AttemptWindow {
	/**
	 * Counts an attempt when `key` is under the limit and resolves with its refund, or with
	 * null when the limit is reached. Check and count are one atomic step (see
	 * WindowCounter.reserve), in memory and in Redis alike.
	 */
	reserve(key: string): Promise<Refund | null>;
	/** Milliseconds until `key` may try again, or 0 when it is under the limit. */
	retryAfterMs(key: string): Promise<number>;
	reset(key: string): Promise<void>;
}

/** One process's counters (no REDIS_URL): the WindowCounter the server always had. */
export class LocalAttempts implements AttemptWindow {
	private readonly counter: WindowCounter;

	constructor(limit: number, windowMs: number) {
		this.counter = new WindowCounter(limit, windowMs);
	}

	async reserve(key: string): Promise<Refund | null> {
		const refund = this.counter.reserve(key);
		return refund && (async () => refund());
	}

	async retryAfterMs(key: string): Promise<number> {
		return this.counter.retryAfterMs(key);
	}

	async reset(key: string): Promise<void> {
		this.counter.reset(key);
	}
}
