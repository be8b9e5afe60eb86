/**
 * Sliding-window counters in memory: login failures per (username, address) and
 * registrations per address. One process holds them; a restart forgets them,
 * which only ever lets someone retry sooner. With REDIS_URL every process counts in one
 * window instead (shared/redis-attempts.ts, behind shared/attempts.ts).
 *
 * Attempts are *reserved* before the slow work (argon2) and refunded afterwards when they
 * turn out not to count: checking before the await and counting after it let 40 requests
 * fired at once all pass a limit of 5, since none had been counted when the others checked.
 */
export class WindowCounter {
	private readonly hits = new Map<string, number[]>();

	constructor(
		private readonly limit: number,
		private readonly windowMs: number,
		private readonly now: () => number = Date.now
	) {}

	/** Milliseconds until `key` may try again, or 0 when it is under the limit. */
	retryAfterMs(key: string): number {
		const list = this.prune(key);
		if (list.length < this.limit) return 0;
		return Math.max(1, list[0] + this.windowMs - this.now());
	}

	hit(key: string): void {
		this.record(key, this.prune(key));
	}

	/**
	 * Counts an attempt now when `key` is under the limit and returns a function that takes
	 * it back (once; later calls do nothing), or null when the limit is reached. Check and
	 * count happen in one synchronous step, so concurrent callers cannot all slip through.
	 */
	reserve(key: string): (() => void) | null {
		const list = this.prune(key);
		if (list.length >= this.limit) return null;
		const at = this.record(key, list);
		let refunded = false;
		return () => {
			if (refunded) return;
			refunded = true;
			const current = this.hits.get(key);
			const i = current ? current.indexOf(at) : -1;
			if (i === -1) return; // already left the window or was reset
			current!.splice(i, 1);
			if (current!.length === 0) this.hits.delete(key);
		};
	}

	reset(key: string): void {
		this.hits.delete(key);
	}

	private record(key: string, list: number[]): number {
		const at = this.now();
		list.push(at);
		this.hits.set(key, list);
		if (this.hits.size > 100_000) this.sweep();
		return at;
	}

	private prune(key: string): number[] {
		const cutoff = this.now() - this.windowMs;
		const list = (this.hits.get(key) ?? []).filter((t) => t > cutoff);
		if (list.length === 0) this.hits.delete(key);
		return list;
	}

	private sweep(): void {
		for (const key of [...this.hits.keys()]) this.prune(key);
	}
}
