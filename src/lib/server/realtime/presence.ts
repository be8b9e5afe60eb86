import { events, type OnlineUser } from '$lib/protocol/events';
import type { Bus } from './bus';
import { settle, stateOf, type Maybe } from './online';

/** Who came or went, as `join` / `leave` name them. */
type Someone = { id: number; name: string };

/** What the announcer reads of the community's presence (every process when shared). */
export interface PresenceSource {
	usersOnline(): Maybe<number>;
	onlineUsers(): Maybe<OnlineUser[]>;
	usersByIds(ids: readonly number[]): Maybe<OnlineUser[]>;
}

export interface PresenceOptions {
	/** Up to this many users online, every change is a `join` / `leave` to everyone. */
	broadcastMax: number;
	/** Above it, this process's changes go out together at most once per this many ms. */
	flushMs: number;
}

/**
 * Announces who came online and who left (PROTOCOL.md §4, §13; docs/protocol.md, "Large
 * communities (§13)"). "First" and "last" connection are across every process when presence
 * is shared (realtime/online.ts); the count is read when announcing.
 *
 * Small community (the count after the change ≤ broadcastMax): `join` to everyone else,
 * `leave` to everyone, at once — version 1. Above it a connect storm of N clients would cost
 * N² frames, so changes wait here and one `presence` bus event per flush interval carries
 * the ids' state *at sending time* (someone who came and went within the interval is just
 * offline); fan-out gives each connection the count, and the users it watches. When the
 * community falls back to the threshold, everyone gets the complete `users` list once (per
 * interval), since the capped list and the watched changes left their lists partial.
 */
export class PresenceAnnouncer {
	/** Users whose change waits for the next flush. */
	private pending = new Set<number>();
	/** The complete list is due (back under the threshold). */
	private listDue = false;
	/** This process last saw the community above the threshold. */
	private large = false;
	private timer: NodeJS.Timeout | null = null;

	constructor(
		private readonly bus: Bus,
		private readonly online: PresenceSource,
		private readonly options: PresenceOptions = { broadcastMax: Infinity, flushMs: 1000 },
		private readonly onError: (err: unknown) => void = () => {}
	) {}

	/**
	 * `usersOnline`: the count right after the arrival, when the caller has it. Above the
	 * threshold it decides alone (the change waits for the flush, which reads the count then),
	 * so a large community's arrivals read nothing here; at or below it the count is read now,
	 * since `join` carries it and the joins of a small community must show counts in order.
	 */
	cameOnline(who: Someone, usersOnline?: number): Maybe<void> {
		if (usersOnline !== undefined && usersOnline > this.options.broadcastMax) {
			this.coalesced(who.id, usersOnline);
			return;
		}
		return settle(this.online.usersOnline(), (n) => {
			if (this.coalesced(who.id, n)) return;
			this.bus.publish({
				kind: 'event',
				to: { everyone: true, except: who.id },
				event: events.join({ user_id: who.id, user_name: who.name, users_online: n })
			});
		});
	}

	wentOffline(who: Someone): Maybe<void> {
		return settle(this.online.usersOnline(), (n) => {
			if (this.coalesced(who.id, n, true)) return;
			this.bus.publish({
				kind: 'event',
				to: { everyone: true },
				event: events.leave({ user_id: who.id, user_name: who.name, users_online: n })
			});
		});
	}

	/** Stops the flush timer (shutdown); what waits is dropped with the process's sockets. */
	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
	}

	/** True when the change waits for the flush instead of going out as join/leave now. */
	private coalesced(id: number, usersOnline: number, leaving = false): boolean {
		const max = this.options.broadcastMax;
		if (usersOnline > max) {
			this.large = true;
			this.pending.add(id);
			this.schedule();
			return true;
		}
		// A leave that leaves exactly `max` online crossed the threshold downwards (it was
		// max + 1 before), whichever process saw the community large.
		if (this.large || (leaving && usersOnline === max)) {
			this.large = false;
			this.listDue = true;
			this.schedule();
		}
		return false;
	}

	private schedule(): void {
		if (this.timer) return;
		this.timer = setTimeout(() => {
			this.timer = null;
			this.flush().catch(this.onError);
		}, this.options.flushMs);
		this.timer.unref();
	}

	private async flush(): Promise<void> {
		const ids = [...this.pending];
		this.pending = new Set();
		const listDue = this.listDue;
		this.listDue = false;
		const usersOnline = await this.online.usersOnline();
		if (listDue && usersOnline <= this.options.broadcastMax) {
			// The complete list says everything the pending changes would have.
			const list = await this.online.onlineUsers();
			this.bus.publish({ kind: 'event', to: { everyone: true }, event: events.users(list) });
			return;
		}
		if (ids.length === 0) return;
		this.bus.publish({ kind: 'presence', usersOnline, ...(await stateOf(this.online, ids)) });
	}
}
