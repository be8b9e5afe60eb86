import type { Database } from 'better-sqlite3';
import { forbidden, notFound } from '../errors';
import type { Bus } from '../realtime/bus';
import type { Identity } from '../realtime/connection';
import type { StoredMessage } from './messages';
import type { ChatService } from './service';

export interface Receipt {
	user_id: number;
	name: string;
	read_at: number;
}

/**
 * Read markers: one row per (user, room or conversation) holding the last message id read.
 * "Read by" and unread counts derive from them; nothing is stored per message per reader.
 */
export class ReceiptService {
	constructor(
		private readonly sqlite: Database,
		private readonly chat: ChatService,
		private readonly bus: Bus,
		private readonly now: () => number = () => Math.floor(Date.now() / 1000)
	) {}

	/** The message, if `who` may see it; otherwise not_found / forbidden. */
	visibleMessage(who: Identity, messageId: number): StoredMessage {
		const message = this.chat.store.get(messageId);
		if (!message) throw notFound('Message not found');
		if (message.roomId !== null) {
			const room = this.chat.rooms.getById(message.roomId)!;
			if (!this.chat.isMember(who, room)) throw forbidden(`You are not in ${room.name}`);
		} else if (message.senderId !== who.id && message.recipientId !== who.id) {
			throw notFound('Message not found');
		}
		return message;
	}

	/** Moves the reader's marker forward to `messageId` and tells the author. */
	markRead(who: Identity, messageId: number): void {
		const message = this.visibleMessage(who, messageId);
		if (who.isGuest) return; // guests have no stored markers
		const scope = scopeFor(message, who.id);
		const readAt = this.now();
		const moved = this.sqlite
			.prepare(
				`INSERT INTO read_markers (user_id, scope, room_id, peer_id, last_read_id, updated_at)
				 VALUES (?, ?, ?, ?, ?, ?)
				 ON CONFLICT (user_id, scope) DO UPDATE SET last_read_id = excluded.last_read_id, updated_at = excluded.updated_at
				 WHERE excluded.last_read_id > read_markers.last_read_id`
			)
			.run(who.id, scope.key, scope.roomId, scope.peerId, messageId, readAt).changes;
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
	receipts(who: Identity, messageId: number): Receipt[] {
		const message = this.visibleMessage(who, messageId);
		if (message.roomId !== null) {
			return this.sqlite
				.prepare(
					`SELECT rm.user_id, u.name, rm.updated_at AS read_at FROM read_markers rm
					 JOIN users u ON u.id = rm.user_id
					 WHERE rm.scope = ? AND rm.last_read_id >= ? AND rm.user_id <> ?
					 ORDER BY rm.updated_at, rm.user_id`
				)
				.all(`r:${message.roomId}`, messageId, message.senderId) as Receipt[];
		}
		return this.sqlite
			.prepare(
				`SELECT rm.user_id, u.name, rm.updated_at AS read_at FROM read_markers rm
				 JOIN users u ON u.id = rm.user_id
				 WHERE rm.user_id = ? AND rm.scope = ? AND rm.last_read_id >= ?`
			)
			.all(message.recipientId, `u:${message.senderId}`, messageId) as Receipt[];
	}

	/** Unread DMs per peer for an account (messages from the peer past the marker). */
	unreadDirect(userId: number): { peer_id: number; unread: number }[] {
		return this.sqlite
			.prepare(
				`SELECT m.sender_id AS peer_id, COUNT(*) AS unread FROM messages m
				 LEFT JOIN read_markers rm ON rm.user_id = ? AND rm.scope = 'u:' || m.sender_id
				 WHERE m.recipient_id = ? AND m.id > COALESCE(rm.last_read_id, 0)
				 GROUP BY m.sender_id`
			)
			.all(userId, userId) as { peer_id: number; unread: number }[];
	}
}

function scopeFor(message: StoredMessage, readerId: number) {
	if (message.roomId !== null) {
		return { key: `r:${message.roomId}`, roomId: message.roomId, peerId: null };
	}
	const peerId = message.senderId === readerId ? message.recipientId! : message.senderId;
	return { key: `u:${peerId}`, roomId: null, peerId };
}
