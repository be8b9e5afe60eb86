import type { Database, Statement } from 'better-sqlite3';
import {
	ROOM_COLUMNS,
	roomFromRow,
	type RoomRecord,
	type RoomRow,
	type RoomsRepository,
	type RoomSummaryRecord
} from '../rooms';

export class SqliteRooms implements RoomsRepository {
	private readonly allStmt: Statement;
	private readonly insert: Statement;
	private readonly updateStmt: Statement;
	private readonly idsOf: Statement;
	private readonly member: Statement;
	private readonly addMemberStmt: Statement;
	private readonly startReadMarker: Statement;
	private readonly removeMemberStmt: Statement;
	private readonly countMembers: Statement;
	private readonly memberIdsStmt: Statement;
	private readonly createdSinceStmt: Statement;
	private readonly summaryStmt: Statement;

	constructor(private readonly sqlite: Database) {
		this.allStmt = sqlite.prepare(`SELECT ${ROOM_COLUMNS} FROM rooms`);
		this.insert = sqlite.prepare(
			`INSERT INTO rooms (name, topic, created_by, private) VALUES (?, ?, ?, ?) RETURNING ${ROOM_COLUMNS}`
		);
		this.updateStmt = sqlite.prepare(
			`UPDATE rooms SET topic = COALESCE(@topic, topic), private = COALESCE(@private, private),
			   archived = COALESCE(@archived, archived)
			 WHERE id = @id RETURNING ${ROOM_COLUMNS}`
		);
		this.idsOf = sqlite.prepare('SELECT room_id FROM room_members WHERE user_id = ?').pluck();
		this.member = sqlite.prepare('SELECT 1 FROM room_members WHERE room_id = ? AND user_id = ?');
		this.addMemberStmt = sqlite.prepare(
			'INSERT INTO room_members (room_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING'
		);
		this.startReadMarker = sqlite.prepare(
			`INSERT INTO read_markers (user_id, scope, room_id, last_read_id)
			 VALUES (?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM messages WHERE room_id = ?))
			 ON CONFLICT DO NOTHING`
		);
		this.removeMemberStmt = sqlite.prepare(
			'DELETE FROM room_members WHERE room_id = ? AND user_id = ?'
		);
		// Kept by triggers on room_members (migration 0011).
		this.countMembers = sqlite.prepare('SELECT member_count FROM rooms WHERE id = ?').pluck();
		this.memberIdsStmt = sqlite
			.prepare('SELECT user_id FROM room_members WHERE room_id = ? ORDER BY user_id LIMIT ?')
			.pluck();
		// The room-creation quota counts a user's rooms of the last day (rooms_created_by).
		this.createdSinceStmt = sqlite.prepare(
			'SELECT COUNT(*) AS count, MIN(created_at) AS oldest FROM rooms WHERE created_by = ? AND created_at > ?'
		);
		// ONE query for a whole room list: the user's rooms (`@mine`, a JSON array of ids), then
		// up to `@others` public rooms ranked by activity (each room's newest message id: one
		// index lookup per room, messages_room_id). Member counts are a column kept by triggers;
		// unread and mention counts are computed for the user's rooms only.
		// A join and `NOT EXISTS` rather than `IN` / `NOT IN (SELECT value FROM json_each(@mine))`
		// (or a DISTINCT over it): for those SQLite builds a Bloom filter or a temporary b-tree
		// sized for a virtual table of unknown size on every run, ~700 µs of CPU for three rooms —
		// the connect storm's largest cost (docs/performance.md); this form takes ~100 µs. The
		// join needs `@mine` without duplicates (summaries() makes sure).
		this.summaryStmt = sqlite.prepare(
			`SELECT * FROM (
			   SELECT r.id, r.name, r.topic, 1 AS joined,
			     (SELECT MAX(m.id) FROM messages m WHERE m.room_id = r.id) AS last_message_id,
			     r.member_count AS members,
			     CASE WHEN @user IS NOT NULL THEN
			       (SELECT COUNT(*) FROM (SELECT 1 FROM messages m
			          WHERE m.room_id = r.id AND m.sender_id <> @user AND m.deleted_at IS NULL
			            AND m.id > COALESCE((SELECT last_read_id FROM read_markers
			                                 WHERE user_id = @user AND scope = 'r:' || r.id), 0)
			          LIMIT @cap))
			     ELSE 0 END AS unread,
			     CASE WHEN @user IS NOT NULL THEN
			       (SELECT COUNT(*) FROM (SELECT 1 FROM mentions mn
			          WHERE mn.user_id = @user AND mn.room_id = r.id
			            AND mn.message_id > COALESCE((SELECT last_read_id FROM read_markers
			                                 WHERE user_id = @user AND scope = 'r:' || r.id), 0)
			          LIMIT @cap))
			     ELSE 0 END AS mentions
			   FROM json_each(@mine) j JOIN rooms r ON r.id = j.value
			   UNION ALL
			   SELECT * FROM (SELECT r.id, r.name, r.topic, 0 AS joined,
			       (SELECT MAX(m.id) FROM messages m WHERE m.room_id = r.id) AS last_message_id,
			       r.member_count AS members, 0 AS unread, 0 AS mentions
			     FROM rooms r
			     WHERE r.private = 0 AND r.archived = 0
			       AND NOT EXISTS (SELECT 1 FROM json_each(@mine) j WHERE j.value = r.id)
			     ORDER BY last_message_id IS NULL, last_message_id DESC, r.id DESC LIMIT @others))
			 ORDER BY joined DESC, id`
		);
	}

	async all(): Promise<RoomRecord[]> {
		return (this.allStmt.all() as RoomRow[]).map(roomFromRow);
	}

	async create(name: string, topic: string, createdBy: number | null, isPrivate = false) {
		try {
			return roomFromRow(this.insert.get(name, topic, createdBy, isPrivate ? 1 : 0) as RoomRow);
		} catch (err) {
			if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
			throw err;
		}
	}

	async update(
		roomId: number,
		changes: { topic?: string; isPrivate?: boolean; archived?: boolean }
	) {
		const row = this.updateStmt.get({
			id: roomId,
			topic: changes.topic ?? null,
			private: changes.isPrivate === undefined ? null : changes.isPrivate ? 1 : 0,
			archived: changes.archived === undefined ? null : changes.archived ? 1 : 0
		}) as RoomRow | undefined;
		return row && roomFromRow(row);
	}

	async roomIdsOf(userId: number): Promise<number[]> {
		return this.idsOf.all(userId) as number[];
	}

	async isMember(roomId: number, userId: number): Promise<boolean> {
		return !!this.member.get(roomId, userId);
	}

	async addMember(roomId: number, userId: number): Promise<boolean> {
		return this.sqlite.transaction(() => {
			const added = this.addMemberStmt.run(roomId, userId).changes > 0;
			if (added) this.startReadMarker.run(userId, `r:${roomId}`, roomId, roomId);
			return added;
		})();
	}

	async removeMember(roomId: number, userId: number): Promise<void> {
		this.removeMemberStmt.run(roomId, userId);
	}

	async memberCount(roomId: number): Promise<number> {
		return (this.countMembers.get(roomId) as number | undefined) ?? 0;
	}

	async memberIds(roomId: number, limit: number): Promise<number[]> {
		return this.memberIdsStmt.all(roomId, limit) as number[];
	}

	async createdSince(userId: number, since: number) {
		const row = this.createdSinceStmt.get(userId, Math.floor(since)) as {
			count: number;
			oldest: number | null;
		};
		return { count: row.count, oldest: row.oldest ?? 0 };
	}

	async summaries(query: {
		mine: number[];
		userId: number | null;
		othersLimit: number;
		unreadCap: number;
	}): Promise<RoomSummaryRecord[]> {
		const rows = this.summaryStmt.all({
			mine: JSON.stringify([...new Set(query.mine)]),
			user: query.userId,
			others: query.othersLimit,
			cap: query.unreadCap
		}) as (Omit<RoomSummaryRecord, 'joined'> & { joined: number })[];
		return rows.map((r) => ({ ...r, joined: r.joined === 1 }));
	}
}
