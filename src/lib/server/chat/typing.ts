import { systemEvent } from '$lib/protocol/events';
import { forbidden } from '../errors';
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
		const from = { from_id: who.id, from_name: who.name };
		if (msg.to_id !== undefined) {
			const peer = await this.chat.resolveUser(msg.to_id);
			if (peer.id === who.id) return;
			this.bus.publish({
				kind: 'event',
				to: { user: peer.id },
				event: { ...systemEvent('typing', { ...base, with: who.id }), ...from }
			});
			return;
		}
		const room = this.chat.requireRoom(msg.room);
		if (!(await this.chat.isMember(who, room))) throw forbidden(`You are not in ${room.name}`);
		this.bus.publish({
			kind: 'event',
			to: { room: room.name, except: who.id },
			event: { ...systemEvent('typing', { ...base, room: room.name }), ...from }
		});
	}
}
