import type { SessionRecord, SessionsRepository } from '../sessions';
import type { UserRecord } from '../users';
import type { Sql } from './client';
import { toUserRecord, type UserRow } from './users';

export class PostgresSessions implements SessionsRepository {
	constructor(private readonly sql: Sql) {}

	async insert(session: SessionRecord): Promise<void> {
		await this.sql`INSERT INTO sessions (id, user_id, expires_at)
			VALUES (${session.id}, ${session.userId}, ${session.expiresAt})`;
	}

	async withUser(id: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
		const [row] = await this.sql<(UserRow & { session_expires_at: number })[]>`
			SELECT s.expires_at AS session_expires_at, u.id, u.username, u.name, u.password_hash,
			       u.role, u.created_at, u.banned_at, u.ban_reason
			FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ${id}`;
		if (!row) return undefined;
		return {
			session: { id, userId: row.id, expiresAt: row.session_expires_at },
			user: toUserRecord(row)
		};
	}

	async expiresAt(id: string): Promise<number | undefined> {
		const [row] = await this.sql<{ expires_at: number }[]>`
			SELECT expires_at FROM sessions WHERE id = ${id}`;
		return row?.expires_at;
	}

	async setExpiry(id: string, expiresAt: number): Promise<void> {
		await this.sql`UPDATE sessions SET expires_at = ${expiresAt} WHERE id = ${id}`;
	}

	async delete(id: string): Promise<void> {
		await this.sql`DELETE FROM sessions WHERE id = ${id}`;
	}

	async deleteAllOf(userId: number): Promise<void> {
		await this.sql`DELETE FROM sessions WHERE user_id = ${userId}`;
	}

	async purgeExpired(now: number, limit: number): Promise<number> {
		const result = await this.sql`DELETE FROM sessions WHERE id IN
			(SELECT id FROM sessions WHERE expires_at <= ${now} LIMIT ${limit})`;
		return result.count;
	}
}
