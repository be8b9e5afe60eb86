import type { RoomSummary } from '$lib/protocol/events';
import { ServiceError, notFound } from '../errors';
import type { Actor, Bus } from '../realtime/bus';
import type { RoomRecord, RoomsRepository } from '../storage/rooms';
import type { SharedReads } from '../realtime/shared-reads';

export const DEFAULT_ROOM = 'general';
const ROOM_NAME = /^[a-z0-9_-]{1,32}$/;
/** Unread counts stop at this many; the UI shows "999+". */
export const UNREAD_CAP = 999;

export type Room = RoomRecord;

/**
 * Rooms and who belongs to them. Accounts' memberships are stored; every account is in
 * `general`. Guests have no stored membership: their connections hold the rooms they joined.
 */
export class RoomService {
	private readonly byName = new Map<string, Room>();
	private readonly byId = new Map<number, Room>();

	constructor(
		private readonly rooms: RoomsRepository,
		private readonly bus: Bus
	) {
		// Rooms created by any process (several share one database) join every room list.
		bus.subscribe((e) => {
			if (e.kind === 'room_created' || e.kind === 'room_updated') this.remember(e.room);
		});
	}

	/**
	 * Loads every room into memory (start-up): lookups by name and id are then synchronous.
	 * With several processes it runs again now and then, in case a `room_created` was missed.
	 */
	async init(): Promise<void> {
		for (const room of await this.rooms.all()) this.remember(room);
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
	async roomsOf(userId: number): Promise<Room[]> {
		return this.withGeneral(await this.rooms.roomIdsOf(userId));
	}

	/**
	 * An account's rooms as it arrives (page load, connection), storing its membership of
	 * general when missing (member counts include it): one read when it is stored (every
	 * reconnection of a storm). `added`: it was new.
	 */
	async roomsOnArrival(userId: number): Promise<{ rooms: Room[]; added: boolean }> {
		const ids = await this.rooms.roomIdsOf(userId);
		const general = this.require(DEFAULT_ROOM);
		const added = !ids.includes(general.id) && (await this.rooms.addMember(general.id, userId));
		return { rooms: this.withGeneral(ids), added };
	}

	private withGeneral(ids: number[]): Room[] {
		const general = this.require(DEFAULT_ROOM);
		const rooms = ids.map((id) => this.byId.get(id)).filter((r): r is Room => !!r);
		if (!rooms.some((r) => r.id === general.id)) rooms.unshift(general);
		return rooms;
	}

	async isMember(userId: number, roomId: number): Promise<boolean> {
		if (this.byId.get(roomId)?.name === DEFAULT_ROOM) return true;
		return this.rooms.isMember(roomId, userId);
	}

	/** Validates and creates a room and tells everyone; the caller then joins the creator. */
	async create(
		name: unknown,
		topic: string | undefined,
		by: Actor,
		isAccount: boolean,
		isPrivate = false
	): Promise<Room> {
		if (typeof name !== 'string' || !ROOM_NAME.test(name)) {
			throw new ServiceError(
				'invalid_message',
				'Invalid room name (1-32 characters: a-z, 0-9, - and _)'
			);
		}
		if (this.byName.has(name))
			throw new ServiceError('invalid_message', `Room already exists: ${name}`, 409);
		const cleanTopic = (topic ?? '').trim().slice(0, 200);
		const row = await this.rooms.create(name, cleanTopic, isAccount ? by.id : null, isPrivate);
		if (!row) throw new ServiceError('invalid_message', `Room already exists: ${name}`, 409);
		this.remember(row);
		// Every process learns of the room (its lookups); fan-out tells people only of public ones.
		this.bus.publish({ kind: 'room_created', room: row, by });
		return row;
	}

	/**
	 * Stores (for accounts) and announces a new membership; the caller checked it is new.
	 * `guests`: the guests in the room, counting this one if it is a guest. An account's
	 * membership that another join stored meanwhile (two tabs at once) is not announced twice.
	 */
	async join(room: Room, user: Actor, isAccount: boolean, guests: number): Promise<void> {
		if (isAccount && !(await this.rooms.addMember(room.id, user.id))) return;
		await this.announce('member_joined', room, user, guests);
	}

	/** Publishes a membership change with the room's new member count (accounts + `guests`). */
	async announce(
		kind: 'member_joined' | 'member_left',
		room: Room,
		user: Actor,
		guests: number
	): Promise<void> {
		const members = (await this.rooms.memberCount(room.id)) + guests;
		this.bus.publish({ kind, room: room.name, user, members });
	}

	/** Stores new settings and tells who should know (fan-out decides who that is). */
	async update(
		room: Room,
		changes: { topic?: string; isPrivate?: boolean; archived?: boolean },
		by: Actor
	) {
		const topic = changes.topic === undefined ? undefined : changes.topic.trim().slice(0, 200);
		const { isPrivate, archived } = changes;
		const row = await this.rooms.update(room.id, { topic, isPrivate, archived });
		if (!row) throw notFound(`Room not found: ${room.name}`);
		this.remember(row);
		this.bus.publish({ kind: 'room_updated', room: row, wasPrivate: room.isPrivate, by });
		return row;
	}

	/** `guests`: the guests left in the room after this one left. */
	async leave(room: Room, user: Actor, isAccount: boolean, guests: number): Promise<void> {
		if (room.name === DEFAULT_ROOM)
			throw new ServiceError('forbidden', 'You cannot leave general', 403);
		if (isAccount) await this.rooms.removeMember(room.id, user.id);
		await this.announce('member_left', room, user, guests);
	}

	/** How many rooms an account created since `since` (Unix seconds), and the oldest's time. */
	createdSince(userId: number, since: number): Promise<{ count: number; oldest: number }> {
		return this.rooms.createdSince(userId, since);
	}

	/**
	 * Room summaries as the protocol shows them, in ONE query: the rooms in `mine` (ids),
	 * then at most `othersLimit` other rooms, the most recently active first, each group in
	 * id order. Unread counts only for `userId` (an account) in its own rooms. `members`
	 * counts stored (account) memberships plus `guests` (room id → online guests in it).
	 *
	 * A list with no account has nothing personal in it (no unread counts): with `shared`, the
	 * rows are read once for every caller asking for the same rooms — a connect storm's guests
	 * all ask for general's list, one statement each otherwise (docs/performance.md).
	 */
	async summaries(
		mine: number[],
		userId: number | null,
		guests: Map<number, number>,
		othersLimit: number,
		shared?: Pick<SharedReads, 'read'>
	): Promise<(RoomSummary & { joined: boolean })[]> {
		const read = () => this.rooms.summaries({ mine, userId, othersLimit, unreadCap: UNREAD_CAP });
		const rows =
			userId === null && shared
				? await shared.read(`room-list:${othersLimit}:${mine.join(',')}`, read)
				: await read();
		return rows.map(({ id, ...s }) => {
			const room = this.byId.get(id);
			return {
				...s,
				members: s.members + (guests.get(id) ?? 0),
				...(room?.isPrivate && { private: true as const }),
				...(room?.createdBy != null && { created_by: room.createdBy }),
				...(room?.archived && { archived: true as const })
			};
		});
	}

	private remember(room: Room): void {
		this.byName.set(room.name, room);
		this.byId.set(room.id, room);
	}
}
