import type { SearchQuery, SearchRepository } from '../search';
import type { MessageRecord } from '$lib/protocol/wire';
import type { Sql } from './client';
import { conversationKey } from './messages';
import type { MessageRow } from '../message-records';
import { hydrate, selectMessages } from './message-rows';

/** `%`, `_` and the escape character itself, escaped for LIKE … ESCAPE '\'. */
function likePattern(term: string): string {
	return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Search on PostgreSQL (storage/search.ts says what it must guarantee): every term as
 * `lower(body) LIKE '%term%'`, which the pg_trgm GIN index of drizzle/pg/0002_search.sql
 * answers for terms of 3 characters or more (a term of 2 has no trigram: those rows are
 * found by the other terms' index lookups, or — a query of 2-character terms only — by
 * reading the visible rooms' messages newest first until the page is full, the cost the
 * docs state). Visibility and paging in the same statement; newest first.
 */
export class PostgresSearch implements SearchRepository {
	constructor(private readonly sql: Sql) {}

	async search(q: SearchQuery): Promise<{ messages: MessageRecord[]; has_more: boolean }> {
		const { sql } = this;
		const rooms = q.roomIds.length ? sql`m.room_id = ANY(${q.roomIds}::int[])` : sql`FALSE`;
		const directs =
			q.directs === 'all'
				? sql`(m.conversation IS NOT NULL AND (m.sender_id = ${q.userId} OR m.recipient_id = ${q.userId}))`
				: q.directs === 'none'
					? sql`FALSE`
					: sql`m.conversation = ${conversationKey(q.userId, q.directs.with)}`;
		let terms = sql`TRUE`;
		for (const term of q.terms)
			terms = sql`${terms} AND lower(m.body) LIKE ${likePattern(term)} ESCAPE '\\'`;
		const rows = await sql<MessageRow[]>`${selectMessages(sql)}
			WHERE m.kind = 'text' AND m.deleted_at IS NULL
			  AND (${rooms} OR ${directs})
			  AND ${terms}
			  ${q.fromId !== undefined ? sql`AND m.sender_id = ${q.fromId}` : sql``}
			  ${q.before !== undefined ? sql`AND m.id < ${q.before}` : sql``}
			ORDER BY m.id DESC LIMIT ${q.limit + 1}`;
		const has_more = rows.length > q.limit;
		return { messages: await hydrate(sql, rows.slice(0, q.limit)), has_more };
	}
}
