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

	take(): boolean {
		const now = this.now();
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
		this.last = now;
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		return true;
	}
}
