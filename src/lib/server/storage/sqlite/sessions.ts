import type { Database, Statement } from 'better-sqlite3';
import type { SessionRecord, SessionsRepository } from '../sessions';
import type { UserRecord } from '../users';
import { toUserRecord, USER_COLUMNS, type UserRow } from './users';

const JOINED_USER_COLUMNS = USER_COLUMNS.split(', ')
	.map((c) => `u.${c}`)
	.join(', ');

export class SqliteSessions implements SessionsRepository {
	private readonly insertStmt: Statement;
	private readonly withUserStmt: Statement;
	private readonly expiry: Statement;
	private readonly setExpiryStmt: Statement;
	private readonly deleteStmt: Statement;
	private readonly deleteOfUser: Statement;
	private readonly purge: Statement;

	constructor(sqlite: Database) {
		this.insertStmt = sqlite.prepare(
			'INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)'
		);
		this.withUserStmt = sqlite.prepare(
			`SELECT s.expires_at AS session_expires_at, ${JOINED_USER_COLUMNS}
			   FROM sessions s JOIN users u ON u.id = s.user_id
			  WHERE s.id = ?`
		);
		this.expiry = sqlite.prepare('SELECT expires_at FROM sessions WHERE id = ?').pluck();
		this.setExpiryStmt = sqlite.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?');
		this.deleteStmt = sqlite.prepare('DELETE FROM sessions WHERE id = ?');
		this.deleteOfUser = sqlite.prepare('DELETE FROM sessions WHERE user_id = ?');
		this.purge = sqlite.prepare(
			'DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= ? LIMIT ?)'
		);
	}

	async insert(session: SessionRecord): Promise<void> {
		this.insertStmt.run(session.id, session.userId, session.expiresAt);
	}

	async withUser(id: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
		const row = this.withUserStmt.get(id) as (UserRow & { session_expires_at: number }) | undefined;
		if (!row) return undefined;
		return {
			session: { id, userId: row.id, expiresAt: row.session_expires_at },
			user: toUserRecord(row)
		};
	}

	async expiresAt(id: string): Promise<number | undefined> {
		return this.expiry.get(id) as number | undefined;
	}

	async setExpiry(id: string, expiresAt: number): Promise<void> {
		this.setExpiryStmt.run(expiresAt, id);
	}

	async delete(id: string): Promise<void> {
		this.deleteStmt.run(id);
	}

	async deleteAllOf(userId: number): Promise<void> {
		this.deleteOfUser.run(userId);
	}

	async purgeExpired(now: number, limit: number): Promise<number> {
		return this.purge.run(now, limit).changes;
	}
}
