/** A token bucket: `perSecond` tokens refill continuously up to `burst`. */
export class TokenBucket {
	private tokens: number;
	private last: number;

	constructor(
		private readonly perSecond: number,
		private readonly burst: number,
		private readonly now: () => number = () => performance.now()
	) {
		this.tokens = burst;
		this.last = now();
	}

	private refill(): void {
		const now = this.now();
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
		this.last = now;
	}

	/** Takes `cost` tokens if there are that many; otherwise takes nothing. */
	take(cost = 1): boolean {
		this.refill();
		if (this.tokens < cost) return false;
		this.tokens -= cost;
		return true;
	}

	/** True when at least `cost` tokens are there (takes nothing). */
	has(cost = 1): boolean {
		this.refill();
		return this.tokens >= cost;
	}

	/** Milliseconds until `cost` tokens will be there (0 when they are now). */
	waitMs(cost = 1): number {
		this.refill();
		const missing = Math.min(cost, this.burst) - this.tokens;
		return missing <= 0 ? 0 : Math.ceil((missing / this.perSecond) * 1000);
	}

	/** A full bucket behaves exactly like a new one, so a map of buckets may forget it. */
	get full(): boolean {
		this.refill();
		return this.tokens >= this.burst;
	}
}

/**
 * Token buckets by key (a user id, an address) that forget the keys whose bucket refilled:
 * a full bucket is the same as a fresh one, so forgetting loses nothing and the map holds
 * only keys active within about `burst / perSecond` seconds. Sweeps are amortized: one pass
 * each time the map doubled since the last.
 */
export class KeyedBuckets<K> {
	private readonly buckets = new Map<K, TokenBucket>();
	private sweepAt = 1024;

	constructor(
		private readonly perSecond: number,
		private readonly burst: number
	) {}

	get(key: K): TokenBucket {
		let bucket = this.buckets.get(key);
		if (!bucket) {
			if (this.buckets.size >= this.sweepAt) this.sweep();
			bucket = new TokenBucket(this.perSecond, this.burst);
			this.buckets.set(key, bucket);
		}
		return bucket;
	}

	delete(key: K): void {
		this.buckets.delete(key);
	}

	get size(): number {
		return this.buckets.size;
	}

	private sweep(): void {
		for (const [key, bucket] of this.buckets) if (bucket.full) this.buckets.delete(key);
		this.sweepAt = Math.max(1024, this.buckets.size * 2);
	}
}
