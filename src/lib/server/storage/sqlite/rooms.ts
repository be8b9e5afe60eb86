import type { Database, Statement } from 'better-sqlite3';
import {
	ROOM_COLUMNS,
	roomFromRow,
	type RoomRecord,
	type RoomRow,
	type RoomsRepository,
	type RoomSummariesQuery,
	type RoomSummaryRecord
} from '../rooms';
import type { StateMemo } from './state-memo';

/** A room as every room list starts from (activityStmt). */
interface ActivityRow {
	id: number;
	name: string;
	topic: string;
	private: number;
	archived: number;
	members: number;
	last_message_id: number | null;
}

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
	private readonly activityStmt: Statement;
	private readonly roomMarkers: Statement;
	private readonly unreadStmt: Statement;
	private readonly mentionsStmt: Statement;

	constructor(
		private readonly sqlite: Database,
		private readonly memo: StateMemo
	) {
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
		// Every room with what a room list shows of it, the most recently active first (each
		// room's newest message id: one index lookup per room, messages_room_id). Member counts
		// are a column kept by triggers (migration 0011). Read once per database state for every
		// room list (state-memo.ts): a storm of welcomes asks it thousands of times a second.
		this.activityStmt = sqlite.prepare(
			`SELECT r.id, r.name, r.topic, r.private, r.archived, r.member_count AS members,
			   (SELECT MAX(m.id) FROM messages m WHERE m.room_id = r.id) AS last_message_id
			 FROM rooms r
			 ORDER BY last_message_id IS NULL, last_message_id DESC, r.id DESC`
		);
		this.roomMarkers = sqlite.prepare(
			`SELECT scope, last_read_id FROM read_markers WHERE user_id = ? AND scope LIKE 'r:%'`
		);
		this.unreadStmt = sqlite
			.prepare(
				`SELECT COUNT(*) FROM (SELECT 1 FROM messages
				   WHERE room_id = @room AND id > @after AND sender_id <> @user AND deleted_at IS NULL
				   LIMIT @cap)`
			)
			.pluck();
		this.mentionsStmt = sqlite
			.prepare(
				`SELECT COUNT(*) FROM (SELECT 1 FROM mentions
				   WHERE user_id = @user AND room_id = @room AND message_id > @after LIMIT @cap)`
			)
			.pluck();
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

	/**
	 * A room list: the rooms in `mine` (the user's, any kind), then at most `othersLimit`
	 * public unarchived others, the most recently active; each group in id order. Unread and
	 * mention counts for `userId` (an account) in its rooms, counted only where the room has
	 * messages past the user's read marker, which after a reload is few or none.
	 */
	async summaries(query: RoomSummariesQuery): Promise<RoomSummaryRecord[]> {
		const rooms = this.memo.read('rooms:activity', () => this.activityStmt.all() as ActivityRow[]);
		const mine = new Set(query.mine);
		const readUpTo = new Map<number, number>();
		if (query.userId !== null)
			for (const m of this.roomMarkers.all(query.userId) as {
				scope: string;
				last_read_id: number;
			}[])
				readUpTo.set(Number(m.scope.slice(2)), m.last_read_id);
		const joined: RoomSummaryRecord[] = [];
		const others: RoomSummaryRecord[] = [];
		for (const room of rooms) {
			if (mine.has(room.id)) joined.push(this.summary(room, true, query, readUpTo));
			else if (others.length < query.othersLimit && !room.private && !room.archived)
				others.push(this.summary(room, false, query, readUpTo));
		}
		const byId = (a: RoomSummaryRecord, b: RoomSummaryRecord) => a.id - b.id;
		return [...joined.sort(byId), ...others.sort(byId)];
	}

	private summary(
		room: ActivityRow,
		joined: boolean,
		query: Pick<RoomSummariesQuery, 'userId' | 'unreadCap'>,
		readUpTo: Map<number, number>
	): RoomSummaryRecord {
		let unread = 0;
		let mentions = 0;
		const after = readUpTo.get(room.id) ?? 0;
		if (joined && query.userId !== null && (room.last_message_id ?? 0) > after) {
			const params = { room: room.id, user: query.userId, after, cap: query.unreadCap };
			unread = this.unreadStmt.get(params) as number;
			mentions = this.mentionsStmt.get(params) as number;
		}
		const { id, name, topic, members, last_message_id } = room;
		return { id, name, topic, joined, last_message_id, members, unread, mentions };
	}
}
