import type { DirectoryRecord, DirectoryRepository } from '../directory';
import { containsPattern } from '../like';
import type { Sql } from './client';

export class PostgresDirectory implements DirectoryRepository {
	constructor(private readonly sql: Sql) {}

	async search(query: { q: string; online: number[]; limit: number; offset: number }) {
		const like = containsPattern(query.q);
		// ILIKE and lower(…) COLLATE "C": SQLite's LIKE and NOCASE ignore case and sort by bytes.
		return [
			...(await this.sql<DirectoryRecord[]>`
				SELECT id, username, name, role, avatar, status, time_zone FROM users
				WHERE banned_at IS NULL
				  AND (username ILIKE ${like} ESCAPE '\\' OR name ILIKE ${like} ESCAPE '\\')
				ORDER BY (id = ANY(${query.online}::bigint[])) DESC, lower(name) COLLATE "C", id
				LIMIT ${query.limit} OFFSET ${query.offset}`)
		];
	}

	async byId(id: number): Promise<DirectoryRecord | undefined> {
		const [row] = await this.sql<DirectoryRecord[]>`
			SELECT id, username, name, role, avatar, status, time_zone FROM users WHERE id = ${id} AND banned_at IS NULL`;
		return row;
	}
}
