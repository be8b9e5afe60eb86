/** How long an account cut off for flooding may not open a new connection. */
export const FLOOD_PENALTY_MS = 10_000;

/**
 * Accounts whose connection was closed for flooding (1008, frame-budget.ts), kept for
 * FLOOD_PENALTY_MS: their next upgrades are refused (429) before any WebSocket work. Without
 * it a flooder reconnected at once and every new connection came with a full budget and a
 * connection sequence of its own — the load-and-abuse test's flooder got ~6 × the budget of
 * one connection that way, most of the server's CPU under attack on two slow cores. Per
 * process (a flooder that reconnects to another process starts there with one connection's
 * budget). Bounded: an entry lives FLOOD_PENALTY_MS, and only a connection that sent over a
 * thousand refused frames makes one.
 */
export class FloodPenalties {
	/** User id → until when (ms, `now()`'s clock); in insertion order, so oldest first. */
	private readonly until = new Map<number, number>();

	constructor(
		private readonly penaltyMs = FLOOD_PENALTY_MS,
		private readonly now: () => number = () => performance.now()
	) {}

	note(userId: number): void {
		const now = this.now();
		for (const [id, until] of this.until) {
			if (until > now) break;
			this.until.delete(id);
		}
		this.until.delete(userId); // re-inserted last: the order stays by expiry
		this.until.set(userId, now + this.penaltyMs);
	}

	/** Milliseconds until `userId` may connect again; 0 when it may now. */
	waitMs(userId: number): number {
		const until = this.until.get(userId);
		return until === undefined ? 0 : Math.max(0, until - this.now());
	}
}
