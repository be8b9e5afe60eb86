import { events } from '$lib/protocol/events';
import type { Bus } from './bus';
import type { Identity } from './connection';

/**
 * `join` when a user's first connection opens and `leave` when its last one closes, to
 * everyone else online, with the online count after the change (PROTOCOL.md §4).
 */
export class PresenceAnnouncer {
	constructor(
		private readonly bus: Bus,
		private readonly online: { readonly usersOnline: number }
	) {}

	cameOnline(who: Identity): void {
		const content = { user_id: who.id, user_name: who.name, users_online: this.online.usersOnline };
		this.bus.publish({
			kind: 'event',
			to: { everyone: true, except: who.id },
			event: events.join(content)
		});
	}

	wentOffline(who: Identity): void {
		const content = { user_id: who.id, user_name: who.name, users_online: this.online.usersOnline };
		this.bus.publish({
			kind: 'event',
			to: { everyone: true },
			event: events.leave(content)
		});
	}
}
