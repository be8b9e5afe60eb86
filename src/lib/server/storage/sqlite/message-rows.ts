import type { Database, Statement } from 'better-sqlite3';
import type { MessageRecord, ThreadSummary } from '../messages';
import {
	groupReactions,
	rootsOf,
	summaryOf,
	threadMap,
	toRecords,
	type MessageRow
} from '../message-records';

/** A messages row with what the joins add (see SELECT). */
export type Row = MessageRow;

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
		return toRecords(rows, this.reactions(rows.map((r) => r.id)), this.threads(rootsOf(rows)));
	}

	/** A thread's summary now (a root with no replies: 0 and null). */
	thread(rootId: number): ThreadSummary {
		return summaryOf(this.threads([rootId]), rootId);
	}

	private reactions(ids: number[]) {
		return groupReactions(
			this.reactionRows.all(JSON.stringify(ids)) as {
				message_id: number;
				emoji: string;
				user_id: number;
			}[]
		);
	}

	private threads(roots: number[]): Map<number, ThreadSummary> {
		return threadMap(
			this.threadRows.all(JSON.stringify(roots)) as { root: number; n: number; last: number }[]
		);
	}
}
