import { WindowCounter } from '../auth/throttle';
import type { Bus } from './bus';

/** How long an account cut off for flooding may not open a new connection. */
export const FLOOD_PENALTY_MS = 10_000;

/**
 * Accounts whose connection was closed for flooding (1008, frame-budget.ts): their next
 * upgrades are refused (429) for FLOOD_PENALTY_MS, before any WebSocket work. Without it a
 * flooder reconnected at once and every new connection came with a full budget and a
 * connection sequence of its own — the load-and-abuse test's flooder got ~6 × the budget of
 * one connection that way, most of the server's CPU under attack on two slow cores.
 *
 * A cut-off goes over the bus (as a mute does), so every process refuses the account: with
 * several processes a flooder that reconnected to another one would start there with a
 * fresh budget. Each process keeps the penalties in a window counter of its own (limit 1), so
 * the check on the upgrade path is a lookup, not a Redis round trip per connection in a
 * connect storm. A process started after the cut-off does not know of it; it lasts 10 s.
 */
export class FloodPenalties {
	private readonly penalized = new WindowCounter(1, FLOOD_PENALTY_MS);

	constructor(private readonly bus: Pick<Bus, 'publish' | 'subscribe'>) {
		bus.subscribe((e) => {
			if (e.kind === 'flood_penalty') this.penalized.reserve(String(e.userId));
		});
	}

	/** `userId` was cut off for flooding: every process refuses it for a while. */
	penalize(userId: number): void {
		this.bus.publish({ kind: 'flood_penalty', userId });
	}

	/** Milliseconds until `userId` may connect again; 0 when it may now. */
	waitMs(userId: number): number {
		return this.penalized.retryAfterMs(String(userId));
	}
}
