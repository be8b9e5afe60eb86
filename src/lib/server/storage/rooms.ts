import type { RoomSummary } from '$lib/protocol/events';

export interface RoomRecord {
	id: number;
	name: string;
	topic: string;
	/** Seen only by its members (issue 15): not listed, not joinable, not found by anyone else. */
	isPrivate: boolean;
	/** The account that created it (may remove members, change settings); null for seeded rooms. */
	createdBy: number | null;
	/** Read-only and left out of the lists of rooms to join; its members still read it (issue 15). */
	archived: boolean;
}

/**
 * A room as room lists show it. `members` counts stored (account) memberships only; the
 * caller adds the guests it knows of. `joined`: the room is one of the asker's.
 */
export type RoomSummaryRecord = RoomSummary & { id: number; joined: boolean };

/** Rooms and accounts' memberships of them (guests' memberships are never stored). */
export interface RoomsRepository {
	all(): Promise<RoomRecord[]>;
	/** Inserts a room; undefined when the name is taken (two creations raced). */
	create(
		name: string,
		topic: string,
		createdBy: number | null,
		isPrivate?: boolean
	): Promise<RoomRecord | undefined>;
	/** Changes a room's settings; the room as it is now (undefined when it is gone). */
	update(
		roomId: number,
		changes: { topic?: string; isPrivate?: boolean; archived?: boolean }
	): Promise<RoomRecord | undefined>;
	/** Ids of the rooms an account has a stored membership of. */
	roomIdsOf(userId: number): Promise<number[]>;
	isMember(roomId: number, userId: number): Promise<boolean>;
	/**
	 * Stores a membership; true when it is new. A newcomer starts with the room read up to
	 * its newest message, as in Slack: old history is not "unread".
	 */
	addMember(roomId: number, userId: number): Promise<boolean>;
	removeMember(roomId: number, userId: number): Promise<void>;
	memberCount(roomId: number): Promise<number>;
	/** The accounts in a room, at most `limit` of them, in id order (`@room` mentions). */
	memberIds(roomId: number, limit: number): Promise<number[]>;
	/** How many rooms an account created after `since` (Unix seconds), and the oldest's time. */
	createdSince(userId: number, since: number): Promise<{ count: number; oldest: number }>;
	/**
	 * Room summaries in ONE round trip: the rooms in `mine` (ids), then at most
	 * `othersLimit` other PUBLIC, unarchived rooms, the most recently active first, each group in id order.
	 * Unread counts (capped at `unreadCap`) only for `userId` (an account) in its own rooms.
	 */
	summaries(query: RoomSummariesQuery): Promise<RoomSummaryRecord[]>;
}

/** Whose room list RoomsRepository.summaries reads, and how long. */
export interface RoomSummariesQuery {
	mine: number[];
	userId: number | null;
	othersLimit: number;
	unreadCap: number;
}

/** The columns a RoomRecord is read from, in both implementations. */
export const ROOM_COLUMNS = 'id, name, topic, private, created_by, archived';

export interface RoomRow {
	id: number | string;
	name: string;
	topic: string;
	private: number;
	created_by: number | string | null;
	archived: number;
}

export function roomFromRow(r: RoomRow): RoomRecord {
	return {
		id: Number(r.id),
		name: r.name,
		topic: r.topic,
		isPrivate: Number(r.private) === 1,
		createdBy: r.created_by === null ? null : Number(r.created_by),
		archived: Number(r.archived) === 1
	};
}
