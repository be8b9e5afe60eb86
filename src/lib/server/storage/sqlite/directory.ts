import type { Database, Statement } from 'better-sqlite3';
import type { DirectoryRecord, DirectoryRepository } from '../directory';
import { containsPattern } from '../like';

export class SqliteDirectory implements DirectoryRepository {
	private readonly searchStmt: Statement;
	private readonly byIdStmt: Statement;

	constructor(sqlite: Database) {
		this.searchStmt = sqlite.prepare(
			`SELECT id, username, name, role, avatar, status, time_zone FROM users
			  WHERE banned_at IS NULL
			    AND (username LIKE :like ESCAPE '\\' OR name LIKE :like ESCAPE '\\')
			  ORDER BY (id IN (SELECT value FROM json_each(:online))) DESC,
			           name COLLATE NOCASE, id
			  LIMIT :limit OFFSET :offset`
		);
		this.byIdStmt = sqlite.prepare(
			'SELECT id, username, name, role, avatar, status, time_zone FROM users WHERE id = ? AND banned_at IS NULL'
		);
	}

	async search(query: { q: string; online: number[]; limit: number; offset: number }) {
		return this.searchStmt.all({
			like: containsPattern(query.q),
			online: JSON.stringify(query.online),
			limit: query.limit,
			offset: query.offset
		}) as DirectoryRecord[];
	}

	async byId(id: number): Promise<DirectoryRecord | undefined> {
		return this.byIdStmt.get(id) as DirectoryRecord | undefined;
	}
}
