/** A committed message with what the joins give it (room name, sender's username and role). */
export interface MessageRecord {
	id: number;
	roomId: number | null;
	room: string | null;
	senderId: number;
	senderName: string;
	/** The sender's @username; null for guests. */
	senderUsername: string | null;
	senderIsAdmin: boolean;
	recipientId: number | null;
	recipientName: string | null;
	kind: 'text' | 'image';
	body: string;
	clientId: string | null;
	createdAt: number;
}

/** A message to store: a record without its id and time. */
export type NewMessage = Omit<MessageRecord, 'id' | 'createdAt'>;

export interface InsertResult {
	message: MessageRecord;
	/** True when this sender used the client_id before: `message` is the original. */
	duplicate: boolean;
}

/** A page of history, oldest first; `has_more`: older messages exist. */
export interface MessagePage {
	messages: MessageRecord[];
	has_more: boolean;
}

/**
 * The message log. Ids are one sequence across rooms and DMs, strictly increasing in
 * commit order (PROTOCOL.md §3): an implementation that cannot promise that for concurrent
 * writers must serialize `insertBatch` (the MessageStore already calls it one batch at a time).
 */
export interface MessagesRepository {
	/** The highest id committed (0 for none). */
	maxId(): Promise<number>;
	/**
	 * Inserts a batch in ONE transaction (group commit), all stamped `createdAt`; a
	 * (sender, client_id) seen before, in an earlier batch or earlier in this one, is not
	 * inserted again and resolves to the original. Resolves only once committed.
	 */
	insertBatch(drafts: readonly NewMessage[], createdAt: number): Promise<InsertResult[]>;
	byId(id: number): Promise<MessageRecord | undefined>;
	/** Newest `limit` messages of a room before `before`, oldest first. */
	roomPage(roomId: number, before: number | undefined, limit: number): Promise<MessagePage>;
	/** Newest `limit` messages between two users before `before`, oldest first. */
	conversationPage(
		a: number,
		b: number,
		before: number | undefined,
		limit: number
	): Promise<MessagePage>;
	/**
	 * Messages a user may see with afterId < id <= upToId, in id order: those of the given
	 * rooms and the user's DMs. At most `limit`, the newest ones, and whether more were cut.
	 */
	visibleBetween(query: {
		userId: number;
		roomIds: number[];
		afterId: number;
		upToId: number;
		limit: number;
	}): Promise<{ messages: MessageRecord[]; truncated: boolean }>;
}
