import type { MessageRecord, ThreadSummary } from '../messages';
import {
	groupReactions,
	rootsOf,
	summaryOf,
	threadMap,
	toRecords,
	type MessageRow
} from '../message-records';
import type { Query } from './client';

/**
 * The joins of sqlite/message-rows.ts, as a fragment: every row with its room name, the
 * sender's username and current role (0/1, as SQLite gives it), the recipient's current
 * name, and a reply's parent.
 */
export function selectMessages(q: Query) {
	return q`SELECT m.id, m.room_id, r.name AS room, m.sender_id, m.sender_name,
	su.username AS sender_username, (su.role = 'admin')::int AS sender_is_admin,
	m.recipient_id, ru.name AS recipient_name,
	m.kind, m.body, m.client_id, m.created_at, m.edited_at, m.reply_to_id, m.thread_root_id,
	m.mentions, p.sender_id AS parent_sender_id, p.sender_name AS parent_sender_name,
	p.kind AS parent_kind, p.body AS parent_body, p.deleted_at AS parent_deleted_at
	FROM messages m
	LEFT JOIN rooms r ON r.id = m.room_id
	LEFT JOIN users su ON su.id = m.sender_id
	LEFT JOIN users ru ON ru.id = m.recipient_id
	LEFT JOIN messages p ON p.id = m.reply_to_id`;
}

/**
 * Rows as message records with their reactions and thread summaries: two extra queries per
 * page (not per message), each an index lookup for the page's ids. `q`: the pool, or the
 * write transaction (which must see its own writes).
 */
export async function hydrate(q: Query, rows: readonly MessageRow[]): Promise<MessageRecord[]> {
	if (rows.length === 0) return [];
	const list = [...rows];
	const [reactions, threads] = await Promise.all([
		reactionsOf(
			q,
			list.map((r) => r.id)
		),
		threadsOf(q, rootsOf(list))
	]);
	return toRecords(list, reactions, threads);
}

/** A thread's summary now (a root with no replies: 0 and null). */
export async function threadNow(q: Query, rootId: number): Promise<ThreadSummary> {
	return summaryOf(await threadsOf(q, [rootId]), rootId);
}

async function reactionsOf(q: Query, ids: number[]) {
	// Ordered by pos (insertion): emoji in order of first use, users in the order they reacted.
	const rows = await q<{ message_id: number; emoji: string; user_id: number }[]>`
		SELECT message_id, emoji, user_id FROM reactions
		WHERE message_id = ANY(${ids}::bigint[]) ORDER BY pos`;
	return groupReactions(rows);
}

/** Summaries of these threads (roots with no replies left out). */
export async function threadsOf(q: Query, roots: number[]): Promise<Map<number, ThreadSummary>> {
	const rows = await q<{ root: number; n: number; last: number }[]>`
		SELECT thread_root_id AS root, COUNT(*) AS n, MAX(created_at) AS last FROM messages
		WHERE thread_root_id = ANY(${roots}::bigint[]) AND deleted_at IS NULL
		GROUP BY thread_root_id`;
	return threadMap(rows);
}
