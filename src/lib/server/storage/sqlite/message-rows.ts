import type { Database, Statement } from 'better-sqlite3';
import { excerptOf } from '$lib/protocol/message-rules';
import type { MessageRecord, ReactionSummary, ReplyQuote, ThreadSummary } from '../messages';

/** A messages row with what the joins add (see SELECT). */
export interface Row {
	id: number;
	room_id: number | null;
	room: string | null;
	sender_id: number;
	sender_name: string;
	sender_username: string | null;
	sender_is_admin: number | null;
	recipient_id: number | null;
	recipient_name: string | null;
	kind: 'text' | 'image';
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

/**
 * Joins that give every row its room name, the sender's username and current role, the
 * recipient's current name, and a reply's parent. The sender's name is the one it had when
 * sending: a rename does not relabel what was said under the old name (the @username says
 * who it was).
 */
export const SELECT = `SELECT m.id, m.room_id, r.name AS room, m.sender_id, m.sender_name,
	su.username AS sender_username, su.role = 'admin' AS sender_is_admin,
	m.recipient_id, ru.name AS recipient_name,
	m.kind, m.body, m.client_id, m.created_at, m.edited_at, m.reply_to_id, m.thread_root_id,
	m.mentions, p.sender_id AS parent_sender_id, p.sender_name AS parent_sender_name,
	p.kind AS parent_kind, p.body AS parent_body, p.deleted_at AS parent_deleted_at
	FROM messages m
	LEFT JOIN rooms r ON r.id = m.room_id
	LEFT JOIN users su ON su.id = m.sender_id
	LEFT JOIN users ru ON ru.id = m.recipient_id
	LEFT JOIN messages p ON p.id = m.reply_to_id`;

/** Reactions listed with a message: the first 50 users of each emoji. */
const MAX_LISTED_USERS = 50;

/**
 * Turns rows into message records with their reactions and thread summaries: two extra
 * statements per page (not per message), each an index lookup for the page's ids.
 */
export class Hydrator {
	private readonly reactionRows: Statement;
	private readonly threadRows: Statement;

	constructor(sqlite: Database) {
		// Ordered by rowid: emoji in order of first use, users in the order they reacted.
		this.reactionRows = sqlite.prepare(
			`SELECT message_id, emoji, user_id FROM reactions
			 WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY rowid`
		);
		this.threadRows = sqlite.prepare(
			`SELECT thread_root_id AS root, COUNT(*) AS n, MAX(created_at) AS last FROM messages
			 WHERE thread_root_id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL
			 GROUP BY thread_root_id`
		);
	}

	records(rows: Row[]): MessageRecord[] {
		if (rows.length === 0) return [];
		const ids = rows.map((r) => r.id);
		const reactions = this.reactions(ids);
		const roots = new Set(ids);
		for (const r of rows) if (r.thread_root_id !== null) roots.add(r.thread_root_id);
		const threads = this.threads([...roots]);
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

	/** A thread's summary now (a root with no replies: 0 and null). */
	thread(rootId: number): ThreadSummary {
		return summaryOf(this.threads([rootId]), rootId);
	}

	private reactions(ids: number[]): Map<number, ReactionSummary[]> {
		const rows = this.reactionRows.all(JSON.stringify(ids)) as {
			message_id: number;
			emoji: string;
			user_id: number;
		}[];
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

	private threads(roots: number[]): Map<number, ThreadSummary> {
		const rows = this.threadRows.all(JSON.stringify(roots)) as {
			root: number;
			n: number;
			last: number;
		}[];
		return new Map(
			rows.map((r) => [r.root, { rootId: r.root, replyCount: r.n, lastReplyAt: r.last }])
		);
	}
}

function summaryOf(threads: Map<number, ThreadSummary>, rootId: number): ThreadSummary {
	return threads.get(rootId) ?? { rootId, replyCount: 0, lastReplyAt: null };
}

/** The columns of a row as a record, without reactions and thread summaries. */
export function baseRecord(
	r: Row
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

function quoteOf(r: Row): ReplyQuote | null {
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
