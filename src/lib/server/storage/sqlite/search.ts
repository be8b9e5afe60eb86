import type { Database, Statement } from 'better-sqlite3';
import type { MessageRecord } from '../messages';
import type { SearchQuery, SearchRepository } from '../search';
import { conversationKey } from './messages';
import { Hydrator, SELECT, type Row } from './message-rows';

/**
 * Above any character: the upper bound of "trigrams that start with these 2 characters" in
 * the term list, which compares UTF-8 bytes.
 */
const LAST_CHAR = '\u{10FFFF}';

/**
 * Search on SQLite: the FTS5 trigram index of migration 0004 (messages_fts), kept in step with
 * `messages` by triggers, joined to `messages` for the visibility filters.
 *
 * A term of 3 or more characters is an FTS5 phrase: its trigrams in a row, i.e. the substring
 * (the tokenizer folds case). A 2-character term has no trigram of its own, but every place it
 * occurs is the start of a trigram (the index stores each text with a sentinel after it, see
 * the migration), so it becomes the OR of the indexed trigrams that start with it, read from the
 * index's term list by a range (`messages_fts_terms`). Cost of that step: one range of the
 * term b-tree, and fts5vocab counts the documents of each trigram it returns, so it reads the
 * doclists of those trigrams once — proportional to the number of messages containing the
 * 2 characters (a few ms per 100,000 on a laptop). The trigrams found are as many as the
 * distinct characters that follow the pair anywhere (tens to hundreds).
 *
 * Then FTS5 walks the matches newest first (rowid descending, from `before`), each joined to
 * its `messages` row by primary key for the filters, and stops after `limit + 1`.
 */
export class SqliteSearch implements SearchRepository {
	private readonly hydrator: Hydrator;
	private readonly startingWith: Statement;
	private readonly byIds: Statement;
	private readonly matching: Record<'all' | 'none' | 'with', Statement>;

	constructor(sqlite: Database) {
		this.hydrator = new Hydrator(sqlite);
		this.startingWith = sqlite
			.prepare('SELECT term FROM messages_fts_terms WHERE term >= ? AND term <= ?')
			.pluck();
		this.byIds = sqlite.prepare(
			`${SELECT} WHERE m.id IN (SELECT value FROM json_each(?)) ORDER BY m.id DESC`
		);
		const matching = (directs: string) =>
			sqlite
				.prepare(
					`SELECT f.rowid FROM messages_fts f JOIN messages m ON m.id = f.rowid
					 WHERE messages_fts MATCH :match AND f.rowid < :before
					   AND (m.room_id IN (SELECT value FROM json_each(:rooms)) OR ${directs})
					   AND (:from IS NULL OR m.sender_id = :from)
					 ORDER BY f.rowid DESC LIMIT :limit`
				)
				.pluck();
		this.matching = {
			all: matching(
				'(m.conversation IS NOT NULL AND (m.sender_id = :user OR m.recipient_id = :user))'
			),
			none: matching('0'),
			// conversation_key's index is not needed here: the row is already found by its id.
			with: matching('m.conversation = :conversation')
		};
	}

	async search(q: SearchQuery): Promise<{ messages: MessageRecord[]; has_more: boolean }> {
		const match = this.matchExpression(q.terms);
		if (match === null) return { messages: [], has_more: false };
		const directs = typeof q.directs === 'object' ? 'with' : q.directs;
		const params: Record<string, unknown> = {
			match,
			before: q.before ?? Number.MAX_SAFE_INTEGER,
			rooms: JSON.stringify(q.roomIds),
			from: q.fromId ?? null,
			limit: q.limit + 1
		};
		if (directs === 'all') params.user = q.userId;
		if (typeof q.directs === 'object')
			params.conversation = conversationKey(q.userId, q.directs.with);
		const ids = this.matching[directs].all(params) as number[];
		const page = ids.slice(0, q.limit);
		const rows = this.byIds.all(JSON.stringify(page)) as Row[];
		return { messages: this.hydrator.records(rows), has_more: ids.length > q.limit };
	}

	/** The FTS5 query for all the terms, or null when a term cannot match anything. */
	private matchExpression(terms: string[]): string | null {
		const parts: string[] = [];
		for (const term of terms) {
			if ([...term].length >= 3) {
				parts.push(phrase(term));
				continue;
			}
			// The term list holds folded trigrams; JavaScript's lower case is that folding for
			// everything but a few special letters.
			const pair = term.toLowerCase();
			const trigrams = this.startingWith.all(pair, pair + LAST_CHAR) as string[];
			if (trigrams.length === 0) return null;
			parts.push(`(${trigrams.map(phrase).join(' OR ')})`);
		}
		return parts.join(' AND ');
	}
}

/** An FTS5 string: double quotes doubled, so the text is never read as query syntax. */
function phrase(text: string): string {
	return `"${text.replaceAll('"', '""')}"`;
}
