import { containsPattern } from '../like';
import type { AccountOverview, AdminOverviewRepository, StoredCounts } from '../overview';
import type { Sql } from './client';

export class PostgresOverview implements AdminOverviewRepository {
	constructor(private readonly sql: Sql) {}

	async accounts(q: string, limit: number): Promise<AccountOverview[]> {
		const like = containsPattern(q);
		// ILIKE and lower(…) COLLATE "C": SQLite's LIKE and NOCASE ignore case and sort by bytes.
		return [
			...(await this.sql<AccountOverview[]>`
				SELECT id, username, name, role, created_at, banned_at, ban_reason FROM users
				WHERE username ILIKE ${like} ESCAPE '\\' OR name ILIKE ${like} ESCAPE '\\'
				ORDER BY lower(username) COLLATE "C" LIMIT ${limit}`)
		];
	}

	async counts(now: number): Promise<StoredCounts> {
		const [row] = await this.sql<StoredCounts[]>`
			SELECT (SELECT COUNT(*) FROM messages WHERE created_at > ${now - 3600}) AS "messagesLastHour",
			       (SELECT COUNT(*) FROM users) AS accounts,
			       (SELECT COUNT(*) FROM users WHERE role = 'admin') AS admins,
			       (SELECT COUNT(*) FROM mutes WHERE until > ${now}) AS muted,
			       (SELECT COUNT(*) FROM users WHERE banned_at IS NOT NULL) AS banned`;
		return row;
	}
}
