import type { DirectSummary } from '$lib/protocol/events';
import type { DirectsRepository } from '../directs';
import type { Sql } from './client';

export class PostgresDirects implements DirectsRepository {
	constructor(private readonly sql: Sql) {}

	async summaries(me: number, limit: number): Promise<DirectSummary[]> {
		// sqlite/directs.ts on PostgreSQL: each conversation's newest message, then counts.
		const rows = await this.sql<DirectSummary[]>`
			WITH convs AS (
				SELECT CASE WHEN sender_id = ${me} THEN recipient_id ELSE sender_id END AS peer_id,
				       MAX(id) AS last_message_id
				FROM messages
				WHERE conversation IS NOT NULL AND (sender_id = ${me} OR recipient_id = ${me})
				GROUP BY conversation, 1
			)
			SELECT c.peer_id, COALESCE(u.name, m.sender_name) AS peer_name, u.username AS peer_username,
			       c.last_message_id,
			       (SELECT COUNT(*) FROM messages x
			         WHERE x.recipient_id = ${me} AND x.sender_id = c.peer_id AND x.deleted_at IS NULL
			           AND x.id > COALESCE(mine.last_read_id, 0)) AS unread,
			       (SELECT COUNT(*) FROM (SELECT 1 FROM mentions mn
			         WHERE mn.user_id = ${me} AND mn.room_id IS NULL AND mn.sender_id = c.peer_id
			           AND mn.message_id > COALESCE(mine.last_read_id, 0) LIMIT 999) x) AS mentions,
			       COALESCE(theirs.last_read_id, 0) AS peer_read_id
			FROM convs c
			JOIN messages m ON m.id = c.last_message_id
			LEFT JOIN users u ON u.id = c.peer_id
			LEFT JOIN read_markers mine ON mine.user_id = ${me} AND mine.scope = 'u:' || c.peer_id
			LEFT JOIN read_markers theirs ON theirs.user_id = c.peer_id
			  AND theirs.scope = 'u:' || ${me}::bigint
			WHERE c.peer_id IS NOT NULL AND c.peer_id <> ${me}
			ORDER BY c.last_message_id DESC
			LIMIT ${limit}`;
		return [...rows];
	}
}
