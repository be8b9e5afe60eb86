import type { Bus } from '../realtime/bus';
import type { Identity } from '../realtime/connection';
import type { ReadMarkersRepository, ReadScope, Receipt } from '../storage/read-markers';
import type { StoredMessage } from './messages';
import type { MessageAccess } from './access';

export type { Receipt };

/**
 * Read markers: one row per (user, room or conversation) holding the last message id read.
 * "Read by" and unread counts derive from them; nothing is stored per message per reader.
 */
export class ReceiptService {
	constructor(
		private readonly markers: ReadMarkersRepository,
		private readonly access: Pick<MessageAccess, 'visible'>,
		private readonly bus: Bus,
		private readonly now: () => number = () => Math.floor(Date.now() / 1000)
	) {}

	/** Moves the reader's marker forward to `messageId` and tells the author. */
	async markRead(who: Identity, messageId: number): Promise<void> {
		const message = await this.access.visible(who, messageId);
		if (who.isGuest) return; // guests have no stored markers
		const readAt = this.now();
		const moved = await this.markers.advance(who.id, scopeFor(message, who.id), messageId, readAt);
		if (!moved || message.senderId === who.id) return;
		this.bus.publish({
			kind: 'message_read',
			authorId: message.senderId,
			payload: {
				message_id: message.id,
				room: message.room,
				...(message.room === null ? { with: who.id } : {}),
				read_by: who.id,
				read_by_name: who.name,
				read_at: readAt
			}
		});
	}

	/** Who has read a message (markers at or past it), the author excluded. */
	async receipts(who: Identity, messageId: number): Promise<Receipt[]> {
		const message = await this.access.visible(who, messageId);
		if (message.roomId !== null) {
			return this.markers.roomReaders(message.roomId, messageId, message.senderId);
		}
		return this.markers.directReaders(message.recipientId!, message.senderId, messageId);
	}
}

/** A room message is read in its room; a DM in the conversation with the other party. */
function scopeFor(message: StoredMessage, readerId: number): ReadScope {
	if (message.roomId !== null) return { roomId: message.roomId };
	const peerId = message.senderId === readerId ? message.recipientId! : message.senderId;
	return { peerId };
}
