import { excerptOf } from '$lib/protocol/message-rules';
import type { MessageRecord, ReactionSummary, ReplyQuote, ThreadSummary } from './messages';

/**
 * Turning message rows into records: the rules both implementations share (the SQL that
 * reads the rows is each implementation's own).
 */

/** A messages row with what the joins add (each implementation's SELECT). */
export interface MessageRow {
	id: number;
	room_id: number | null;
	room: string | null;
	sender_id: number;
	sender_name: string;
	sender_username: string | null;
	sender_is_admin: number | null;
	recipient_id: number | null;
	recipient_name: string | null;
	kind: 'text' | 'image' | 'file';
	body: string;
	client_id: string | null;
	created_at: number;
	edited_at: number | null;
	reply_to_id: number | null;
	thread_root_id: number | null;
	mentions: string | null;
	parent_sender_id: number | null;
	parent_sender_name: string | null;
	parent_kind: string | null;
	parent_body: string | null;
	parent_deleted_at: number | null;
}

/** Reactions listed with a message: the first 50 users of each emoji. */
export const MAX_LISTED_USERS = 50;

/** Reaction rows in insertion order, grouped per message: emoji in order of first use. */
export function groupReactions(
	rows: { message_id: number; emoji: string; user_id: number }[]
): Map<number, ReactionSummary[]> {
	const byMessage = new Map<number, ReactionSummary[]>();
	for (const row of rows) {
		let list = byMessage.get(row.message_id);
		if (!list) byMessage.set(row.message_id, (list = []));
		let entry = list.find((e) => e.emoji === row.emoji);
		if (!entry) list.push((entry = { emoji: row.emoji, count: 0, userIds: [] }));
		entry.count++;
		if (entry.userIds.length < MAX_LISTED_USERS) entry.userIds.push(row.user_id);
	}
	return byMessage;
}

/** Thread summary rows by root. */
export function threadMap(
	rows: { root: number; n: number; last: number }[]
): Map<number, ThreadSummary> {
	return new Map(
		rows.map((r) => [r.root, { rootId: r.root, replyCount: r.n, lastReplyAt: r.last }])
	);
}

/** The thread roots a page of rows needs summaries of: its own ids and their threads' roots. */
export function rootsOf(rows: MessageRow[]): number[] {
	const roots = new Set(rows.map((r) => r.id));
	for (const r of rows) if (r.thread_root_id !== null) roots.add(r.thread_root_id);
	return [...roots];
}

/** Rows with their reactions and thread summaries as records. */
export function toRecords(
	rows: MessageRow[],
	reactions: Map<number, ReactionSummary[]>,
	threads: Map<number, ThreadSummary>
): MessageRecord[] {
	return rows.map((r) => {
		const own = threads.get(r.id);
		return {
			...baseRecord(r),
			reactions: reactions.get(r.id) ?? [],
			thread: r.thread_root_id === null ? null : summaryOf(threads, r.thread_root_id),
			replyCount: own?.replyCount ?? 0,
			lastReplyAt: own?.lastReplyAt ?? null
		};
	});
}

export function summaryOf(threads: Map<number, ThreadSummary>, rootId: number): ThreadSummary {
	return threads.get(rootId) ?? { rootId, replyCount: 0, lastReplyAt: null };
}

/** The columns of a row as a record, without reactions and thread summaries. */
export function baseRecord(
	r: MessageRow
): Omit<MessageRecord, 'reactions' | 'thread' | 'replyCount' | 'lastReplyAt'> {
	return {
		id: r.id,
		roomId: r.room_id,
		room: r.room,
		senderId: r.sender_id,
		senderName: r.sender_name,
		senderUsername: r.sender_username,
		senderIsAdmin: r.sender_is_admin === 1,
		recipientId: r.recipient_id,
		recipientName: r.recipient_name,
		kind: r.kind,
		body: r.body,
		clientId: r.client_id,
		createdAt: r.created_at,
		editedAt: r.edited_at,
		mentions: r.mentions ? (JSON.parse(r.mentions) as number[]) : [],
		replyTo: quoteOf(r)
	};
}

function quoteOf(r: MessageRow): ReplyQuote | null {
	if (r.reply_to_id === null) return null;
	if (r.parent_sender_id === null || r.parent_deleted_at !== null)
		return { id: r.reply_to_id, deleted: true };
	return {
		id: r.reply_to_id,
		fromId: r.parent_sender_id,
		fromName: r.parent_sender_name ?? '',
		excerpt: excerptOf(r.parent_kind ?? 'text', r.parent_body ?? '')
	};
}
