import type { Database, Statement } from 'better-sqlite3';
import { toProfileRecord, type ProfileRow, type ProfilesRepository } from '../profiles';

const COLUMNS = 'id, avatar, status, time_zone';

export class SqliteProfiles implements ProfilesRepository {
	private readonly manyStmt: Statement;
	private readonly oneStmt: Statement;
	private readonly textStmt: Statement;
	private readonly avatarStmt: Statement;

	constructor(private readonly sqlite: Database) {
		this.manyStmt = sqlite.prepare(
			`SELECT ${COLUMNS} FROM users WHERE id IN (SELECT value FROM json_each(?))`
		);
		this.oneStmt = sqlite.prepare(`SELECT ${COLUMNS} FROM users WHERE id = ?`);
		this.textStmt = sqlite.prepare(
			`UPDATE users SET status = ?, time_zone = ? WHERE id = ? RETURNING ${COLUMNS}`
		);
		this.avatarStmt = sqlite.prepare(
			`UPDATE users SET avatar = ? WHERE id = ? RETURNING ${COLUMNS}`
		);
	}

	async many(ids: number[]) {
		if (ids.length === 0) return [];
		return (this.manyStmt.all(JSON.stringify(ids)) as ProfileRow[]).map(toProfileRecord);
	}

	async setText(id: number, status: string, timeZone: string) {
		const row = this.textStmt.get(status, timeZone, id) as ProfileRow | undefined;
		return row && toProfileRecord(row);
	}

	async swapAvatar(id: number, avatar: string | null) {
		// better-sqlite3 is synchronous: the read and the write are one step for this process.
		return this.sqlite.transaction(() => {
			const before = this.oneStmt.get(id) as ProfileRow | undefined;
			if (!before) return undefined;
			const after = this.avatarStmt.get(avatar, id) as ProfileRow;
			return { previous: before.avatar, profile: toProfileRecord(after) };
		})();
	}
}
