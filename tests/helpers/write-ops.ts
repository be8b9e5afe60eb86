import type { NewMessage, WriteOp } from '$lib/server/storage';

/** The author of the messages that storage-level tests write. */
export const actor = { id: 7, name: 'alice' };

/** A new text message by `actor` in general (room 1), for MessagesRepository.writeBatch. */
export function create(body: string, over: Partial<NewMessage> = {}): WriteOp {
	return {
		create: {
			roomId: 1,
			room: 'general',
			senderId: actor.id,
			senderName: actor.name,
			senderUsername: null,
			senderIsAdmin: false,
			recipientId: null,
			recipientName: null,
			kind: 'text',
			body,
			clientId: null,
			mentions: [],
			replyToId: null,
			...over
		}
	};
}
