import { events } from '$lib/protocol/events';
import { assertWritable, notInRoom } from './access';
import type { Bus } from '../realtime/bus';
import type { Identity } from '../realtime/connection';
import type { ChatService } from './service';

/**
 * Typing indicators: nothing is stored; the event goes to the room (not back to the typist)
 * or to the DM peer. A muted user's typing is dropped silently.
 */
export class TypingRelay {
	constructor(
		private readonly chat: Pick<ChatService, 'resolveUser' | 'requireRoom' | 'isMember'>,
		private readonly mutes: { isMuted(userId: number): boolean },
		private readonly bus: Bus
	) {}

	async typing(
		who: Identity,
		msg: { room?: string; to_id?: number; is_typing: boolean }
	): Promise<void> {
		if (this.mutes.isMuted(who.id)) return;
		const base = { user_id: who.id, user_name: who.name, is_typing: msg.is_typing };
		if (msg.to_id !== undefined) {
			const peer = await this.chat.resolveUser(msg.to_id);
			if (peer.id === who.id) return;
			this.bus.publish({
				kind: 'event',
				to: { user: peer.id },
				event: events.typing({ ...base, with: who.id })
			});
			return;
		}
		const room = this.chat.requireRoom(msg.room);
		if (!(await this.chat.isMember(who, room))) throw notInRoom(room);
		assertWritable(room);
		this.bus.publish({
			kind: 'event',
			to: { room: room.name, except: who.id },
			event: events.typing({ ...base, room: room.name })
		});
	}
}
