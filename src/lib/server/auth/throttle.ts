/**
 * Sliding-window counters in memory: login failures per (username, address) and
 * registrations per address. One process holds them; a restart forgets them,
 * which only ever lets someone retry sooner.
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
		return list[0] + this.windowMs - this.now();
	}

	hit(key: string): void {
		const list = this.prune(key);
		list.push(this.now());
		this.hits.set(key, list);
		if (this.hits.size > 100_000) this.sweep();
	}

	reset(key: string): void {
		this.hits.delete(key);
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
