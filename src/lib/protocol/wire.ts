import type { HistoryPage, WireMessage } from './payloads';

/** A committed message as the server stores it (the record every encoder starts from). */
export interface MessageRecord {
	id: number;
	roomId: number | null;
	room: string | null;
	senderId: number;
	senderName: string;
	/** The sender's @username; null for guests. */
	senderUsername: string | null;
	senderIsAdmin: boolean;
	recipientId: number | null;
	recipientName: string | null;
	kind: 'text' | 'image';
	body: string;
	clientId: string | null;
	createdAt: number;
}

/**
 * The wire form of a message for one viewer. Room messages look the same to everyone (so
 * fan-out encodes them once, without a viewer); a DM is `private_message_sent` (with
 * `to_name`) to its sender and `private_message` to everyone else. Optional fields are
 * absent, not null: `from_username` for guests, `from_is_admin` unless the sender is an
 * admin now, `client_id` when the message was sent without one.
 */
export function toWire(m: MessageRecord, viewerId?: number): WireMessage {
	const base = {
		id: m.id,
		from_id: m.senderId,
		from_name: m.senderName,
		...(m.senderUsername !== null && { from_username: m.senderUsername }),
		...(m.senderIsAdmin && { from_is_admin: true as const }),
		content: m.kind === 'image' ? { url: m.body } : m.body,
		timestamp: m.createdAt,
		...(m.clientId !== null && { client_id: m.clientId })
	};
	if (m.room !== null) {
		return { type: m.kind === 'image' ? 'image' : 'message', room: m.room, ...base };
	}
	const sent = viewerId === m.senderId;
	return {
		type: sent ? 'private_message_sent' : 'private_message',
		to_id: m.recipientId ?? 0,
		...(sent && { to_name: m.recipientName ?? '' }),
		...base
	};
}

/**
 * A page of history for one viewer, `{messages, has_more}`: the payload of `history`,
 * `room_joined` and the HTTP history endpoints alike. `records` are oldest first.
 */
export function historyPage(
	records: readonly MessageRecord[],
	hasMore: boolean,
	viewerId: number
): HistoryPage {
	return { messages: records.map((m) => toWire(m, viewerId)), has_more: hasMore };
}
