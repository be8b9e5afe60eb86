/** Where a read marker applies: a room, or the conversation with one peer. */
export type ReadScope =
	{ roomId: number; peerId?: undefined } | { peerId: number; roomId?: undefined };

/** Someone who read a message: the marker's owner, its name, and when it moved (Unix seconds). */
export interface Receipt {
	user_id: number;
	name: string;
	read_at: number;
}

/**
 * Read markers: one per (user, room or conversation) holding the last message id read.
 * "Read by" and unread counts derive from them; nothing is stored per message per reader.
 */
export interface ReadMarkersRepository {
	/** Moves the marker forward to `lastReadId` at `at`; false when it was already there or past. */
	advance(userId: number, scope: ReadScope, lastReadId: number, at: number): Promise<boolean>;
	/** Who in a room has read at or past `messageId`, `exceptUserId` (the author) excluded. */
	roomReaders(roomId: number, messageId: number, exceptUserId: number): Promise<Receipt[]>;
	/** `readerId` if it has read `peerId`'s DM `messageId` (a list of none or one). */
	directReaders(readerId: number, peerId: number, messageId: number): Promise<Receipt[]>;
}
