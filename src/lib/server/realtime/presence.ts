import { events } from '$lib/protocol/events';
import type { Bus } from './bus';
import { settle, type Maybe } from './online';

/** Who came or went, as `join` / `leave` name them. */
type Someone = { id: number; name: string };

/**
 * `join` when a user's first connection opens and `leave` when its last one closes, to
 * everyone else online, with the online count after the change (PROTOCOL.md §4). "First"
 * and "last" are across every process when presence is shared (realtime/online.ts); the
 * count is read when the event is published, so the last one out carries the latest.
 */
export class PresenceAnnouncer {
	constructor(
		private readonly bus: Bus,
		private readonly online: { usersOnline(): Maybe<number> }
	) {}

	cameOnline(who: Someone): Maybe<void> {
		return settle(this.online.usersOnline(), (n) => {
			this.bus.publish({
				kind: 'event',
				to: { everyone: true, except: who.id },
				event: events.join({ user_id: who.id, user_name: who.name, users_online: n })
			});
		});
	}

	wentOffline(who: Someone): Maybe<void> {
		return settle(this.online.usersOnline(), (n) => {
			this.bus.publish({
				kind: 'event',
				to: { everyone: true },
				event: events.leave({ user_id: who.id, user_name: who.name, users_online: n })
			});
		});
	}
}
