import type {
	FileContent,
	HistoryPage,
	SearchPage,
	SearchSnippet,
	WireMessage,
	WireReplyQuote,
	WireThread
} from './payloads';
import type { MessageDeletedEvent, MessageEditedEvent, ReactionEvent } from './server-events';

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
	/** 'file': `body` is the FileContent as JSON (PROTOCOL.md §12). */
	kind: 'text' | 'image' | 'file';
	body: string;
	clientId: string | null;
	createdAt: number;
	/** Unix seconds of the last edit; null when never edited. */
	editedAt: number | null;
	/** Accounts the text names with @ that can see it (PROTOCOL.md §10). */
	mentions: number[];
	/** Emoji in order of first use, each with its count and first 50 user ids. */
	reactions: ReactionSummary[];
	/** A reply: its parent as quoted ({id, deleted} once the parent is gone); null otherwise. */
	replyTo: ReplyQuote | null;
	/** A reply: its thread's root and the root's summary now. */
	thread: ThreadSummary | null;
	/** A root: its replies (not deleted), and the newest one's time. */
	replyCount: number;
	lastReplyAt: number | null;
}

export interface ReactionSummary {
	emoji: string;
	count: number;
	userIds: number[];
}

export type ReplyQuote =
	{ id: number; fromId: number; fromName: string; excerpt: string } | { id: number; deleted: true };

export interface ThreadSummary {
	rootId: number;
	replyCount: number;
	lastReplyAt: number | null;
}

/** A committed change, with what its event needs (the message's place and its new state). */
export interface ChangeRecord {
	seq: number;
	kind: 'edit' | 'delete' | 'reaction';
	messageId: number;
	roomId: number | null;
	room: string | null;
	/** DMs: the message's sender and recipient (who may see the change). */
	partyA: number | null;
	partyB: number | null;
	actorId: number;
	actorName: string;
	createdAt: number;
	/** edit: the text now (a replay reads the current text: the log keeps no text). */
	body?: string;
	mentions?: number[];
	/** reaction */
	emoji?: string;
	on?: boolean;
	/** reaction: the emoji's count on the message after this change. */
	count?: number;
	/** delete of a reply: its thread's summary after it. */
	thread?: ThreadSummary | null;
}

/**
 * The wire form of a message for one viewer. Room messages look the same to everyone (so
 * fan-out encodes them once, without a viewer); a DM is `private_message_sent` (with
 * `to_name`) to its sender and `private_message` to everyone else. Optional fields are
 * absent, not null: `from_username` for guests, `from_is_admin` unless the sender is an
 * admin now, `client_id` when the message was sent without one. Version 2 fields
 * (PROTOCOL.md §10) are always present (`reply_to`, `thread` and `last_reply_at` when they
 * apply), so a message object has one shape everywhere.
 */
export function toWire(m: MessageRecord, viewerId?: number): WireMessage {
	const base = {
		id: m.id,
		seq: m.id,
		from_id: m.senderId,
		from_name: m.senderName,
		...(m.senderUsername !== null && { from_username: m.senderUsername }),
		...(m.senderIsAdmin && { from_is_admin: true as const }),
		content: contentOf(m),
		timestamp: m.createdAt,
		...(m.clientId !== null && { client_id: m.clientId }),
		edited_at: m.editedAt,
		reactions: m.reactions.map((r) => ({ emoji: r.emoji, count: r.count, user_ids: r.userIds })),
		mentions: m.mentions,
		reply_count: m.replyCount,
		...(m.lastReplyAt !== null && m.replyCount > 0 && { last_reply_at: m.lastReplyAt }),
		...(m.replyTo && { reply_to: wireQuote(m.replyTo) }),
		...(m.thread && { thread: wireThread(m.thread) })
	};
	if (m.room !== null) {
		return { type: m.kind === 'text' ? 'message' : m.kind, room: m.room, ...base };
	}
	const sent = viewerId === m.senderId;
	// A file keeps its type in a DM too (PROTOCOL.md §12); `to_id` says it is a DM.
	const dmType = sent ? 'private_message_sent' : 'private_message';
	return {
		type: m.kind === 'file' ? 'file' : dmType,
		to_id: m.recipientId ?? 0,
		...(sent && { to_name: m.recipientName ?? '' }),
		...base
	};
}

/** The wire `content` of a message of any kind. */
function contentOf(m: MessageRecord): WireMessage['content'] {
	if (m.kind === 'image') return { url: m.body };
	if (m.kind === 'file') return fileContentOf(m.body);
	return m.body;
}

/** A file message's stored body (JSON written by the file service) as its content. */
export function fileContentOf(body: string): FileContent {
	try {
		return JSON.parse(body) as FileContent;
	} catch {
		return { url: '', name: '', size: 0, content_type: 'application/octet-stream' };
	}
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

/**
 * `historyPage` of a page read at a position: `has_newer` too when it was read `around` or
 * `after` a message (docs/protocol.md, "History around a message").
 */
export function wirePage(
	page: { messages: readonly MessageRecord[]; has_more: boolean; has_newer?: boolean },
	viewerId: number
): HistoryPage {
	return {
		...historyPage(page.messages, page.has_more, viewerId),
		...(page.has_newer !== undefined && { has_newer: page.has_newer })
	};
}

/**
 * Search results for one viewer (PROTOCOL.md §11), newest first: each message object with
 * `with` (the other party) when it is a DM, and its snippet.
 */
export function searchPage(
	hits: readonly { message: MessageRecord; snippet: SearchSnippet }[],
	hasMore: boolean,
	viewerId: number
): SearchPage {
	return {
		messages: hits.map(({ message: m, snippet }) => ({
			...toWire(m, viewerId),
			...(m.room === null && {
				with: m.senderId === viewerId ? (m.recipientId ?? m.senderId) : m.senderId
			}),
			snippet
		})),
		has_more: hasMore
	};
}

function wireQuote(q: ReplyQuote): WireReplyQuote {
	return 'deleted' in q
		? { id: q.id, deleted: true }
		: { id: q.id, from_id: q.fromId, from_name: q.fromName, excerpt: q.excerpt };
}

export function wireThread(t: ThreadSummary): WireThread {
	return {
		root_id: t.rootId,
		reply_count: t.replyCount,
		...(t.lastReplyAt !== null && { last_reply_at: t.lastReplyAt })
	};
}

/**
 * The event of a committed change for one viewer (PROTOCOL.md §10): `room`, or in a DM
 * `with` = the other participant as this viewer sees it; `from_*` is who acted, and `seq`
 * is both in `content` and at the top level.
 */
export function changeEvent(
	c: ChangeRecord,
	viewerId: number
): MessageEditedEvent | MessageDeletedEvent | ReactionEvent {
	const where =
		c.room !== null ? { room: c.room } : { with: (viewerId === c.partyA ? c.partyB : c.partyA)! };
	const envelope = {
		from_id: c.actorId,
		from_name: c.actorName,
		seq: c.seq,
		timestamp: c.createdAt
	};
	if (c.kind === 'edit') {
		return {
			type: 'message_edited',
			...envelope,
			content: {
				message_id: c.messageId,
				...where,
				content: c.body!,
				edited_at: c.createdAt,
				mentions: c.mentions ?? [],
				seq: c.seq
			}
		};
	}
	if (c.kind === 'delete') {
		return {
			type: 'message_deleted',
			...envelope,
			content: {
				message_id: c.messageId,
				...where,
				seq: c.seq,
				...(c.thread && { thread: wireThread(c.thread) })
			}
		};
	}
	return {
		type: 'reaction',
		...envelope,
		content: {
			message_id: c.messageId,
			...where,
			emoji: c.emoji!,
			user_id: c.actorId,
			user_name: c.actorName,
			on: c.on!,
			count: c.count!,
			seq: c.seq
		}
	};
}
