import type { ChangeRecord, MessageRecord } from '$lib/protocol/wire';

/** The records are the wire encoder's input (src/lib/protocol/wire.ts), so they live there. */
export type {
	ChangeRecord,
	MessageRecord,
	ReactionSummary,
	ReplyQuote,
	ThreadSummary
} from '$lib/protocol/wire';

/** A message to store: what the sender gives, with the reply's parent and mentions resolved. */
export type NewMessage = Pick<
	MessageRecord,
	| 'roomId'
	| 'room'
	| 'senderId'
	| 'senderName'
	| 'senderUsername'
	| 'senderIsAdmin'
	| 'recipientId'
	| 'recipientName'
	| 'kind'
	| 'body'
	| 'clientId'
	| 'mentions'
> & {
	/** The parent (checked visible and in the same room or conversation), or null. */
	replyToId: number | null;
	/** A file message: the upload it carries, attached in the same transaction. */
	uploadId?: string;
	/**
	 * Members `mentions` names only through `@room` who silenced the room ("nothing" or muted):
	 * the message still lists them, but no mention row counts it for them (issue 15).
	 */
	quiet?: number[];
};

/** Who acted on a message (the author, an admin, a reacting user). */
export interface ChangeActor {
	id: number;
	name: string;
}

/** A change to an existing message, applied in the same ordered log as new messages. */
export type ChangeOp =
	| {
			kind: 'edit';
			messageId: number;
			actor: ChangeActor;
			body: string;
			mentions: number[];
			/** As NewMessage's `quiet`. */
			quiet?: number[];
	  }
	| { kind: 'delete'; messageId: number; actor: ChangeActor }
	| {
			kind: 'reaction';
			messageId: number;
			actor: ChangeActor;
			emoji: string;
			on: boolean;
			/** At most this many distinct emoji on one message. */
			maxDistinct: number;
	  };

/** Why a change was not made: gone (or never there), no change to make, or over a limit. */
export type ChangeRefusal = 'not_found' | 'unchanged' | 'too_many';

export type ChangeResult = { change: ChangeRecord } | { refused: ChangeRefusal };

/** One entry of a write batch: a new message, or a change to one. */
export type WriteOp = { create: NewMessage } | { change: ChangeOp };

export type WriteResult = InsertResult | ChangeResult;

/** What `resume` replays, in seq order: a message in its current state, or a change. */
export type LogEntry = { message: MessageRecord } | { change: ChangeRecord };

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
 * The message log (PROTOCOL.md §10). One sequence, `seq`, across rooms, DMs and every change
 * (a message's id is the seq of its creation), strictly increasing in commit order: an
 * implementation that cannot promise that for concurrent writers must serialize
 * `writeBatch` (the MessageStore already calls it one batch at a time; see
 * docs/architecture.md, "The change log").
 */
export interface MessagesRepository {
	/** The highest seq committed (0 for none): of a message or of a change. */
	maxSeq(): Promise<number>;
	/**
	 * Writes a batch in ONE transaction (group commit), all stamped `createdAt`, each entry
	 * taking the next seq: a new message's id is its seq. A (sender, client_id) seen before,
	 * in an earlier batch or earlier in this one, is not inserted again and resolves to the
	 * original. A change to a message that is gone resolves to a refusal, not an error.
	 * Resolves only once committed.
	 */
	writeBatch(ops: readonly WriteOp[], createdAt: number): Promise<WriteResult[]>;
	/** A message that exists and is not deleted. */
	byId(id: number): Promise<MessageRecord | undefined>;
	/**
	 * The log a user may see with afterSeq < seq <= upToSeq, in seq order: messages created
	 * there (current state; deleted ones left out) and changes (edits and reactions of
	 * messages still there, deletions). At most `limit` log rows, the newest; `truncated`
	 * when older ones were cut.
	 */
	logBetween(query: {
		userId: number;
		roomIds: number[];
		afterSeq: number;
		upToSeq: number;
		limit: number;
	}): Promise<{ entries: LogEntry[]; truncated: boolean }>;
	/**
	 * The whole log with afterSeq < seq <= upToSeq, in seq order, for every audience (no user
	 * filter: this is what a process that missed bus events re-publishes to its own fan-out):
	 * messages created there in their current state (deleted ones left out) and changes. At most
	 * `limit` entries, the OLDEST (the caller pages forward from the last seq it got);
	 * `lastSeq` is the highest seq examined (so a caller can advance past a range with nothing
	 * visible left in it, e.g. retention-deleted rows). Never past `maxSeq()`: a seq not yet
	 * committed is not examined.
	 */
	logRange(
		afterSeq: number,
		upToSeq: number,
		limit: number
	): Promise<{ entries: LogEntry[]; lastSeq: number }>;
	/** A thread's replies (not deleted) before `before`, newest `limit`, oldest first. */
	threadPage(rootId: number, before: number | undefined, limit: number): Promise<MessagePage>;
	/** Which of these account ids exist with these usernames (lower-cased), for @mentions. */
	accountsNamed(usernames: string[]): Promise<Map<string, number>>;
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
	 * Oldest `limit` messages of a room after `after` (exclusive), oldest first; here
	 * `has_more` means NEWER messages exist (history around a message, and scrolling down).
	 */
	roomPageAfter(roomId: number, after: number, limit: number): Promise<MessagePage>;
	/** The same between two users. */
	conversationPageAfter(a: number, b: number, after: number, limit: number): Promise<MessagePage>;
}
