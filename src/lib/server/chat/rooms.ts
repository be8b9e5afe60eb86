import type { Database, Statement } from 'better-sqlite3';
import type { RoomSummary } from '$lib/protocol/events';
import { ServiceError, notFound } from '../errors';
import type { Actor, Bus } from '../realtime/bus';

export const DEFAULT_ROOM = 'general';
const ROOM_NAME = /^[a-z0-9_-]{1,32}$/;
/** Unread counts stop at this many; the UI shows "999+". */
export const UNREAD_CAP = 999;

export interface Room {
	id: number;
	name: string;
	topic: string;
}

/**
 * Rooms and who belongs to them. Accounts' memberships are stored; every account is in
 * `general`. Guests have no stored membership: their connections hold the rooms they joined.
 */
export class RoomService {
	private readonly byName = new Map<string, Room>();
	private readonly byId = new Map<number, Room>();

	constructor(
		private readonly sqlite: Database,
		private readonly bus: Bus
	) {
		for (const room of sqlite.prepare('SELECT id, name, topic FROM rooms').all() as Room[]) {
			this.remember(room);
		}
	}

	get(name: string): Room | undefined {
		return this.byName.get(name);
	}

	getById(id: number): Room | undefined {
		return this.byId.get(id);
	}

	require(name: string | undefined): Room {
		const room = this.byName.get(name ?? DEFAULT_ROOM);
		if (!room) throw notFound(`Room not found: ${name}`);
		return room;
	}

	all(): Room[] {
		return [...this.byName.values()].sort((a, b) => a.id - b.id);
	}

	/** Rooms an account belongs to (always including general). */
	roomsOf(userId: number): Room[] {
		const ids = this.sqlite
			.prepare('SELECT room_id FROM room_members WHERE user_id = ?')
			.pluck()
			.all(userId) as number[];
		const general = this.require(DEFAULT_ROOM);
		const rooms = ids.map((id) => this.byId.get(id)).filter((r): r is Room => !!r);
		if (!rooms.some((r) => r.id === general.id)) rooms.unshift(general);
		return rooms;
	}

	isMember(userId: number, roomId: number): boolean {
		if (this.byId.get(roomId)?.name === DEFAULT_ROOM) return true;
		return !!this.sqlite
			.prepare('SELECT 1 FROM room_members WHERE room_id = ? AND user_id = ?')
			.get(roomId, userId);
	}

	/**
	 * Makes sure an account's membership of general is stored (member counts include it).
	 * True when it is new: the account's first connection, which the caller announces.
	 */
	ensureDefaultMembership(userId: number): boolean {
		return this.addMember(this.require(DEFAULT_ROOM).id, userId);
	}

	/** Validates and creates a room and tells everyone; the caller then joins the creator. */
	create(name: unknown, topic: string | undefined, by: Actor, isAccount: boolean): Room {
		if (typeof name !== 'string' || !ROOM_NAME.test(name)) {
			throw new ServiceError(
				'invalid_message',
				'Invalid room name (1-32 characters: a-z, 0-9, - and _)'
			);
		}
		if (this.byName.has(name))
			throw new ServiceError('invalid_message', `Room already exists: ${name}`, 409);
		const cleanTopic = (topic ?? '').trim().slice(0, 200);
		const row = this.sqlite
			.prepare(
				'INSERT INTO rooms (name, topic, created_by) VALUES (?, ?, ?) RETURNING id, name, topic'
			)
			.get(name, cleanTopic, isAccount ? by.id : null) as Room;
		this.remember(row);
		this.bus.publish({ kind: 'room_created', room: { name: row.name, topic: row.topic }, by });
		return row;
	}

	/**
	 * Stores (for accounts) and announces a new membership; the caller checked it is new.
	 * `guests`: the guests in the room, counting this one if it is a guest.
	 */
	join(room: Room, user: Actor, isAccount: boolean, guests: number): void {
		if (isAccount) this.addMember(room.id, user.id);
		this.announce('member_joined', room, user, guests);
	}

	/** Publishes a membership change with the room's new member count (accounts + `guests`). */
	announce(kind: 'member_joined' | 'member_left', room: Room, user: Actor, guests: number): void {
		const members = this.memberCount(room.id) + guests;
		this.bus.publish({ kind, room: room.name, user, members });
	}

	private memberCount(roomId: number): number {
		return this.sqlite
			.prepare('SELECT COUNT(*) FROM room_members WHERE room_id = ?')
			.pluck()
			.get(roomId) as number;
	}

	/** `guests`: the guests left in the room after this one left. */
	leave(room: Room, user: Actor, isAccount: boolean, guests: number): void {
		if (room.name === DEFAULT_ROOM)
			throw new ServiceError('forbidden', 'You cannot leave general', 403);
		if (isAccount) {
			this.sqlite
				.prepare('DELETE FROM room_members WHERE room_id = ? AND user_id = ?')
				.run(room.id, user.id);
		}
		this.announce('member_left', room, user, guests);
	}

	/** How many rooms an account created since `since` (Unix seconds), and the oldest's time. */
	createdSince(userId: number, since: number): { count: number; oldest: number } {
		const row = this.sqlite
			.prepare(
				'SELECT COUNT(*) AS count, MIN(created_at) AS oldest FROM rooms WHERE created_by = ? AND created_at > ?'
			)
			.get(userId, Math.floor(since)) as { count: number; oldest: number | null };
		return { count: row.count, oldest: row.oldest ?? 0 };
	}

	/**
	 * Room summaries as the protocol shows them, in ONE query: the rooms in `mine` (ids),
	 * then at most `othersLimit` other rooms, the most recently active first, each group in
	 * id order. Unread counts only for `userId` (an account) in its own rooms. `members`
	 * counts stored (account) memberships plus `guests` (room id → online guests in it).
	 */
	summaries(
		mine: number[],
		userId: number | null,
		guests: Map<number, number>,
		othersLimit: number
	): (RoomSummary & { joined: boolean })[] {
		const rows = this.summaryQuery().all({
			mine: JSON.stringify(mine),
			user: userId,
			others: othersLimit
		}) as (RoomSummary & { id: number; joined: number })[];
		return rows.map(({ id, joined, ...s }) => ({
			...s,
			members: s.members + (guests.get(id) ?? 0),
			joined: joined === 1
		}));
	}

	private summaryStatement: Statement | null = null;

	private summaryQuery(): Statement {
		// The ranking of other rooms by activity needs each room's newest message id: one
		// index lookup per room (messages_room_id). Member and unread counts are computed for
		// the rooms listed only.
		return (this.summaryStatement ??= this.sqlite.prepare(
			`WITH mine(id) AS (SELECT value FROM json_each(@mine)),
			 ranked AS (
			   SELECT r.id, r.name, r.topic, r.id IN mine AS joined,
			     (SELECT MAX(m.id) FROM messages m WHERE m.room_id = r.id) AS last_message_id
			   FROM rooms r),
			 listed AS (
			   SELECT * FROM ranked WHERE joined
			   UNION ALL
			   SELECT * FROM (SELECT * FROM ranked WHERE NOT joined
			     ORDER BY last_message_id IS NULL, last_message_id DESC, id DESC LIMIT @others))
			 SELECT l.id, l.name, l.topic, l.joined, l.last_message_id,
			   (SELECT COUNT(*) FROM room_members rm WHERE rm.room_id = l.id) AS members,
			   CASE WHEN l.joined AND @user IS NOT NULL THEN
			     (SELECT COUNT(*) FROM (SELECT 1 FROM messages m
			        WHERE m.room_id = l.id AND m.sender_id <> @user
			          AND m.id > COALESCE((SELECT last_read_id FROM read_markers
			                               WHERE user_id = @user AND scope = 'r:' || l.id), 0)
			        LIMIT ${UNREAD_CAP}))
			   ELSE 0 END AS unread
			 FROM listed l
			 ORDER BY l.joined DESC, l.id`
		));
	}

	private addMember(roomId: number, userId: number): boolean {
		const added = this.sqlite
			.prepare('INSERT INTO room_members (room_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING')
			.run(roomId, userId).changes;
		// A newcomer starts with the room read up to now, as in Slack: old history is not "unread".
		if (added) {
			this.sqlite
				.prepare(
					`INSERT INTO read_markers (user_id, scope, room_id, last_read_id)
					 VALUES (?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM messages WHERE room_id = ?))
					 ON CONFLICT DO NOTHING`
				)
				.run(userId, `r:${roomId}`, roomId, roomId);
		}
		return added > 0;
	}

	private remember(room: Room): void {
		this.byName.set(room.name, room);
		this.byId.set(room.id, room);
	}
}
