import {
	ROOM_COLUMNS,
	roomFromRow,
	type RoomRecord,
	type RoomRow,
	type RoomsRepository,
	type RoomSummariesQuery,
	type RoomSummaryRecord
} from '../rooms';
import type { Sql } from './client';
import { groupedBy, TurnBatch } from '../../shared/turn-batch';
import { isUniqueViolation } from './users';

export class PostgresRooms implements RoomsRepository {
	constructor(private readonly sql: Sql) {}

	async all(): Promise<RoomRecord[]> {
		const rows = await this.sql<RoomRow[]>`
			SELECT ${this.sql.unsafe(ROOM_COLUMNS)} FROM rooms ORDER BY id`;
		return rows.map(roomFromRow);
	}

	async create(name: string, topic: string, createdBy: number | null, isPrivate = false) {
		try {
			const [room] = await this.sql<RoomRow[]>`
				INSERT INTO rooms (name, topic, created_by, private)
				VALUES (${name}, ${topic}, ${createdBy}::bigint, ${isPrivate ? 1 : 0})
				RETURNING ${this.sql.unsafe(ROOM_COLUMNS)}`;
			return roomFromRow(room);
		} catch (err) {
			if (isUniqueViolation(err)) return undefined;
			throw err;
		}
	}

	async update(
		roomId: number,
		changes: { topic?: string; isPrivate?: boolean; archived?: boolean }
	) {
		const isPrivate = changes.isPrivate === undefined ? null : changes.isPrivate ? 1 : 0;
		const archived = changes.archived === undefined ? null : changes.archived ? 1 : 0;
		const [row] = await this.sql<RoomRow[]>`
			UPDATE rooms SET topic = COALESCE(${changes.topic ?? null}::text, topic),
			                 private = COALESCE(${isPrivate}::integer, private),
			                 archived = COALESCE(${archived}::integer, archived)
			WHERE id = ${roomId} RETURNING ${this.sql.unsafe(ROOM_COLUMNS)}`;
		return row && roomFromRow(row);
	}

	/** Accounts' memberships: a connect storm's sequences read them batched. */
	private readonly memberships = new TurnBatch(async (userIds: number[]) => {
		const rows = await this.sql<{ user_id: number; room_id: number }[]>`
			SELECT user_id, room_id FROM room_members WHERE user_id = ANY(${userIds}::bigint[])`;
		return groupedBy(userIds, rows, (r) => r.user_id).map((group) => group.map((r) => r.room_id));
	});

	roomIdsOf(userId: number): Promise<number[]> {
		return this.memberships.request(userId);
	}

	async isMember(roomId: number, userId: number): Promise<boolean> {
		const rows = await this.sql`
			SELECT 1 FROM room_members WHERE room_id = ${roomId} AND user_id = ${userId}`;
		return rows.length > 0;
	}

	async addMember(roomId: number, userId: number): Promise<boolean> {
		// A newcomer starts with the room read up to its newest message (Slack's way).
		const [row] = await this.sql<{ added: number }[]>`
			WITH added AS (
				INSERT INTO room_members (room_id, user_id) VALUES (${roomId}, ${userId})
				ON CONFLICT DO NOTHING RETURNING room_id),
			marker AS (
				INSERT INTO read_markers (user_id, scope, room_id, last_read_id)
				SELECT ${userId}, ${`r:${roomId}`}, room_id,
				       (SELECT COALESCE(MAX(id), 0) FROM messages WHERE room_id = ${roomId})
				FROM added
				ON CONFLICT DO NOTHING)
			SELECT COUNT(*) AS added FROM added`;
		return row.added > 0;
	}

	async removeMember(roomId: number, userId: number): Promise<void> {
		await this.sql`DELETE FROM room_members WHERE room_id = ${roomId} AND user_id = ${userId}`;
	}

	async memberCount(roomId: number): Promise<number> {
		const [row] = await this.sql<{ n: number }[]>`
			SELECT member_count AS n FROM rooms WHERE id = ${roomId}`;
		return row?.n ?? 0;
	}

	async memberIds(roomId: number, limit: number): Promise<number[]> {
		const rows = await this.sql<{ user_id: string | number }[]>`
			SELECT user_id FROM room_members WHERE room_id = ${roomId} ORDER BY user_id LIMIT ${limit}`;
		return rows.map((r) => Number(r.user_id));
	}

	async createdSince(userId: number, since: number) {
		// The room-creation quota counts a user's rooms of the last day (rooms_created_by).
		const [row] = await this.sql<{ count: number; oldest: number | null }[]>`
			SELECT COUNT(*) AS count, MIN(created_at) AS oldest FROM rooms
			WHERE created_by = ${userId} AND created_at > ${Math.floor(since)}`;
		return { count: row.count, oldest: row.oldest ?? 0 };
	}

	summaries(query: RoomSummariesQuery): Promise<RoomSummaryRecord[]> {
		return this.summaryLists.request(query);
	}

	/**
	 * Room lists for several identities in ONE statement (a connect storm's sequences each ask
	 * for one; sqlite/rooms.ts explains the query of one list). Each list's rooms are its
	 * memberships, then at most `othersLimit` other public rooms, the most recently active;
	 * unread and mention counts only for an account's own rooms. `ranked` — every room with its
	 * newest message — is read once for the whole batch.
	 */
	private readonly summaryLists = new TurnBatch(async (queries: RoomSummariesQuery[]) => {
		// A parameter of type jsonb: postgres.js serializes it (a string would be a JSON string).
		const requests = this.sql.json(
			queries.map((q) => ({
				user: q.userId,
				mine: q.mine,
				others: q.othersLimit,
				cap: q.unreadCap
			}))
		);
		const rows = await this.sql<(RoomSummaryRecord & { i: number })[]>`
			WITH req AS (
			  SELECT q.ord::int AS i, (q.r->>'user')::bigint AS usr,
			    ARRAY(SELECT jsonb_array_elements_text(q.r->'mine')::bigint) AS mine,
			    (q.r->>'others')::int AS others, (q.r->>'cap')::int AS cap
			  FROM jsonb_array_elements(${requests}::jsonb) WITH ORDINALITY AS q(r, ord)),
			ranked AS (
			  SELECT r.id, r.name, r.topic, r.private, r.archived, r.member_count,
			    (SELECT MAX(m.id) FROM messages m WHERE m.room_id = r.id) AS last_message_id
			  FROM rooms r),
			listed AS (
			  SELECT req.i, req.usr, req.cap, l.*,
			    -- The account's read marker in its room, read once for both counts below.
			    CASE WHEN l.joined AND req.usr IS NOT NULL THEN
			      COALESCE((SELECT last_read_id FROM read_markers
			                WHERE user_id = req.usr AND scope = 'r:' || l.id), 0)
			    ELSE 0 END AS read_up_to
			  FROM req CROSS JOIN LATERAL (
			    SELECT k.*, true AS joined FROM ranked k WHERE k.id = ANY(req.mine)
			    UNION ALL
			    (SELECT k.*, false AS joined FROM ranked k
			      WHERE NOT (k.id = ANY(req.mine)) AND k.private = 0 AND k.archived = 0
			      ORDER BY k.last_message_id DESC NULLS LAST, k.id DESC LIMIT req.others)) l)
			SELECT l.i, l.id, l.name, l.topic, l.joined, l.last_message_id,
			  l.member_count AS members,
			  CASE WHEN l.joined AND l.usr IS NOT NULL THEN
			    (SELECT COUNT(*) FROM (SELECT 1 FROM messages m
			       WHERE m.room_id = l.id AND m.sender_id <> l.usr AND m.deleted_at IS NULL
			         AND m.id > l.read_up_to
			       LIMIT l.cap) x)
			  ELSE 0 END AS unread,
			  CASE WHEN l.joined AND l.usr IS NOT NULL THEN
			    (SELECT COUNT(*) FROM (SELECT 1 FROM mentions mn
			       WHERE mn.user_id = l.usr AND mn.room_id = l.id
			         AND mn.message_id > l.read_up_to
			       LIMIT l.cap) x)
			  ELSE 0 END AS mentions
			FROM listed l
			ORDER BY l.i, l.joined DESC, l.id`;
		return groupedBy(
			queries.map((_, i) => i + 1),
			rows,
			(r) => r.i
		).map((list) => list.map(({ i: _, ...summary }) => summary));
	});
}
