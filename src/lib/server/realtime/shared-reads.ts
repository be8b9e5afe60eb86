import type { Bus, BusEvent } from './bus';
import { deepFreeze } from '../shared/deep-freeze';

/** Events that say who is online or typing: no shared read depends on them. */
const PRESENCE_EVENTS = new Set(['join', 'leave', 'users', 'typing']);

function saysNothingOfState(event: BusEvent): boolean {
	return (
		event.kind === 'presence' || (event.kind === 'event' && PRESENCE_EVENTS.has(event.event.type))
	);
}

/** How long a shared read is kept at most, even when no event has arrived since. */
const MAX_AGE_MS = 1000;

/**
 * Reads that many connection sequences make alike (#general's newest page and its notices; a
 * large community's `users` sample, which is any online users anyway), made once and shared
 * while this process has heard of no change. A connect or restart
 * storm is thousands of sequences within seconds; on PostgreSQL each such read is several
 * statements and round trips (docs/performance.md, "What one connection asks PostgreSQL").
 *
 * Why a shared read is as good as a fresh one for the connection sequence: every change is
 * announced on the bus after its commit, and a connection gets live every change delivered
 * after its subscription (`resume` replays up to `lastCommittedId`, which is read from the
 * same bus's position). A read started while this process had delivered events up to P sees at
 * least P; while no event has arrived since, every connection subscribing meanwhile also
 * stands at P, and whatever comes after reaches it live. A read is therefore shared only among
 * those that ask at the same count of events heard, in flight or done.
 *
 * Changes that are not on the bus (none are meant to be; a Redis outage loses some) are
 * bounded by MAX_AGE_MS, and nothing is shared while the bus is down. Presence and typing do
 * not count (a storm's joins would otherwise end every share). Values are frozen: every caller shares them.
 */
export class SharedReads {
	private heard = 0;
	private keptAt = 0;
	private readonly kept = new Map<string, { at: number; value: Promise<unknown> }>();

	constructor(private readonly bus: Pick<Bus, 'healthy' | 'subscribe'>) {
		bus.subscribe((event) => {
			if (!saysNothingOfState(event)) this.heard++;
		});
	}

	read<T>(key: string, compute: () => Promise<T>): Promise<T> {
		if (!this.bus.healthy) return compute();
		if (this.keptAt !== this.heard) {
			this.kept.clear();
			this.keptAt = this.heard;
		}
		const now = performance.now();
		const kept = this.kept.get(key);
		if (kept && now - kept.at < MAX_AGE_MS) return kept.value as Promise<T>;
		const value = compute().then(deepFreeze);
		this.kept.set(key, { at: now, value });
		// A failed read is not shared: the next caller tries again.
		value.catch(() => {
			if (this.kept.get(key)?.value === value) this.kept.delete(key);
		});
		return value;
	}
}
