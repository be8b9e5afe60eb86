import type { MessageRecord } from '$lib/protocol/wire';

/**
 * One search (PROTOCOL.md §11), already parsed and narrowed by the service (chat/search.ts):
 * the repository matches text and applies the filters; it decides nothing about who may see
 * what beyond the ids it is given.
 */
export interface SearchQuery {
	/**
	 * What to find, all of them (AND): each is a word or a quoted phrase as the user wrote it,
	 * at least 2 characters (code points), without control characters, not blank. A term
	 * matches a message when it occurs in its text as a substring, ignoring case (Unicode
	 * simple case folding: `MEETING` = `meeting`, `Ä` = `ä`); spaces inside a phrase match
	 * themselves. Substrings, not words: `会议` finds `明天的会议改到三点`, `meet` finds `meeting`.
	 */
	terms: string[];
	/** Rooms whose messages may match (the ones the user belongs to now, maybe narrowed to one). */
	roomIds: number[];
	/**
	 * The user's direct messages that may match: every conversation `userId` is a party of
	 * (`'all'`), none (`'none'`, when searching one room), or only the one with this account id.
	 */
	directs: 'all' | 'none' | { with: number };
	/** Whose DMs `directs` means. */
	userId: number;
	/** Only messages sent by this account, when given. */
	fromId?: number;
	/** Only messages with an id below this (exclusive), when given: the next page. */
	before?: number;
	/** At most this many messages (1–50). */
	limit: number;
}

/**
 * Full-text search over messages, one implementation per storage backend (SQLite: FTS5 with
 * the trigram tokenizer, storage/sqlite/search.ts; PostgreSQL: e.g. a pg_trgm GIN index on
 * the text with `ILIKE '%term%'` per term, or its full-text search plus a substring check).
 *
 * What an implementation must guarantee:
 * - **Matching**: every term of `terms` occurs in the message's text, case-insensitively, as
 *   a substring (SearchQuery.terms) — 2-character terms included (Chinese and Japanese words
 *   are often 2 characters; a trigram index alone needs 3, so they need their own path).
 * - **Which messages**: text messages (not images) that exist now, in their current text:
 *   an edit is found by its new text and no longer by its old one, a deleted message never
 *   (PROTOCOL.md §10: its text is erased). The index changes in the same transaction as the
 *   message, so a search right after an acknowledged send, edit or delete sees it.
 * - **Visibility**: a message of a room in `roomIds`, or a DM of `userId` allowed by
 *   `directs`; then `fromId` (sender) and `before` (id < before). Nothing else.
 * - **Order and paging**: newest first (id descending), at most `limit`; `has_more` is true
 *   when at least one more message matches below the last one returned (the next page is
 *   `before` = the last id).
 * - **Records**: whole message records as the history pages give them (reactions, reply
 *   quote, thread summary). Snippets and their marks are made by the service from the body
 *   (chat/search-snippet.ts), the same for every backend, so an implementation returns none.
 * - **Cost**: bounded by indexes, never a scan of all messages: a page costs the index
 *   lookups of its terms plus the matches it skips (newer than `before`, or not visible).
 */
export interface SearchRepository {
	search(query: SearchQuery): Promise<{ messages: MessageRecord[]; has_more: boolean }>;
}
