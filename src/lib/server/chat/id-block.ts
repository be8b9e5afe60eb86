/** A run of ids, first to last (both included). */
export interface IdRange {
	first: number;
	last: number;
}

/**
 * Hands out the ids of a block one by one, and asks `refill` for the next block when this one
 * is used up: one refill at a time, the callers arriving meanwhile wait for it. A refill that
 * fails fails only the callers waiting for it; the next caller tries again.
 *
 * Both guest id sources (guest-ids.ts, shared/redis-guest-ids.ts) hand out through this; each
 * refill makes its block durable before returning it, so an id is never given twice.
 */
export class IdBlock {
	private next = 0;
	private last = -1;
	private refilling: Promise<void> | null = null;

	constructor(private readonly refill: () => Promise<IdRange>) {}

	async take(): Promise<number> {
		while (this.next > this.last) {
			this.refilling ??= this.refill()
				.then(({ first, last }) => {
					this.next = first;
					this.last = last;
				})
				.finally(() => (this.refilling = null));
			await this.refilling;
		}
		return this.next++;
	}
}
