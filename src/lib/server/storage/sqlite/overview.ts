import type { Database, Statement } from 'better-sqlite3';
import { containsPattern } from '../like';
import type { AccountOverview, AdminOverviewRepository, StoredCounts } from '../overview';

export class SqliteOverview implements AdminOverviewRepository {
	private readonly accountsStmt: Statement;
	private readonly countsStmt: Statement;

	constructor(sqlite: Database) {
		this.accountsStmt = sqlite.prepare(
			`SELECT id, username, name, role, created_at, banned_at, ban_reason FROM users
			  WHERE username LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\'
			  ORDER BY username COLLATE NOCASE LIMIT ?`
		);
		this.countsStmt = sqlite.prepare(
			`SELECT (SELECT COUNT(*) FROM messages WHERE created_at > @hourAgo) AS messagesLastHour,
			        (SELECT COUNT(*) FROM users) AS accounts,
			        (SELECT COUNT(*) FROM users WHERE role = 'admin') AS admins,
			        (SELECT COUNT(*) FROM mutes WHERE until > @now) AS muted,
			        (SELECT COUNT(*) FROM users WHERE banned_at IS NOT NULL) AS banned`
		);
	}

	async accounts(q: string, limit: number): Promise<AccountOverview[]> {
		const like = containsPattern(q);
		return this.accountsStmt.all(like, like, limit) as AccountOverview[];
	}

	async counts(now: number): Promise<StoredCounts> {
		return this.countsStmt.get({ now, hourAgo: now - 3600 }) as StoredCounts;
	}
}
