import type { RoomSummary } from '$lib/protocol/events';

export interface RoomRecord {
	id: number;
	name: string;
	topic: string;
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
	create(name: string, topic: string, createdBy: number | null): Promise<RoomRecord | undefined>;
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
	/** How many rooms an account created after `since` (Unix seconds), and the oldest's time. */
	createdSince(userId: number, since: number): Promise<{ count: number; oldest: number }>;
	/**
	 * Room summaries in ONE round trip: the rooms in `mine` (ids), then at most
	 * `othersLimit` other rooms, the most recently active first, each group in id order.
	 * Unread counts (capped at `unreadCap`) only for `userId` (an account) in its own rooms.
	 */
	summaries(query: {
		mine: number[];
		userId: number | null;
		othersLimit: number;
		unreadCap: number;
	}): Promise<RoomSummaryRecord[]>;
}
