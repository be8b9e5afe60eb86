import type { Database, Statement } from 'better-sqlite3';
import {
	sessionListingFromRow,
	type NewSession,
	type SessionListing,
	type SessionListingRow,
	type SessionRecord,
	type SessionsRepository,
	type Sighting
} from '../sessions';
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
	private readonly touchStmt: Statement;
	private readonly touchAll: (sightings: readonly Sighting[]) => void;
	private readonly list: Statement;
	private readonly deleteStmt: Statement;
	private readonly deletePublic: Statement;
	private readonly deleteOthers: Statement;
	private readonly deleteOfUser: Statement;
	private readonly purge: Statement;

	constructor(sqlite: Database) {
		this.insertStmt = sqlite.prepare(
			`INSERT INTO sessions (id, user_id, expires_at, public_id, user_agent, address, created_at, last_seen_at)
			 VALUES (@id, @userId, @expiresAt, @publicId, @userAgent, @address, @createdAt, @lastSeenAt)`
		);
		this.withUserStmt = sqlite.prepare(
			`SELECT s.expires_at AS session_expires_at, s.last_seen_at AS session_last_seen_at,
			        ${JOINED_USER_COLUMNS}
			   FROM sessions s JOIN users u ON u.id = s.user_id
			  WHERE s.id = ?`
		);
		this.expiry = sqlite.prepare('SELECT expires_at FROM sessions WHERE id = ?').pluck();
		this.setExpiryStmt = sqlite.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?');
		this.touchStmt = sqlite.prepare(
			'UPDATE sessions SET last_seen_at = ?, address = coalesce(?, address) WHERE id = ?'
		);
		this.touchAll = sqlite.transaction((sightings: readonly Sighting[]) => {
			for (const s of sightings) this.touchStmt.run(s.lastSeenAt, s.address, s.id);
		});
		this.list = sqlite.prepare(
			`SELECT id, user_id, expires_at, public_id, user_agent, address, created_at, last_seen_at
			   FROM sessions WHERE user_id = ? AND expires_at > ?
			  ORDER BY last_seen_at DESC, created_at DESC`
		);
		this.deleteStmt = sqlite.prepare('DELETE FROM sessions WHERE id = ?');
		this.deletePublic = sqlite
			.prepare('DELETE FROM sessions WHERE user_id = ? AND public_id = ? RETURNING id')
			.pluck();
		this.deleteOthers = sqlite
			.prepare('DELETE FROM sessions WHERE user_id = ? AND id <> ? RETURNING id')
			.pluck();
		this.deleteOfUser = sqlite.prepare('DELETE FROM sessions WHERE user_id = ?');
		this.purge = sqlite.prepare(
			'DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= ? LIMIT ?)'
		);
	}

	async insert(session: NewSession): Promise<void> {
		this.insertStmt.run(session);
	}

	async withUser(id: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
		const row = this.withUserStmt.get(id) as
			(UserRow & { session_expires_at: number; session_last_seen_at: number }) | undefined;
		if (!row) return undefined;
		return {
			session: {
				id,
				userId: row.id,
				expiresAt: row.session_expires_at,
				lastSeenAt: row.session_last_seen_at
			},
			user: toUserRecord(row)
		};
	}

	async expiresAt(id: string): Promise<number | undefined> {
		return this.expiry.get(id) as number | undefined;
	}

	async setExpiry(id: string, expiresAt: number): Promise<void> {
		this.setExpiryStmt.run(expiresAt, id);
	}

	async touchMany(sightings: readonly Sighting[]): Promise<void> {
		this.touchAll(sightings);
	}

	async listOf(userId: number, now: number): Promise<SessionListing[]> {
		return (this.list.all(userId, now) as SessionListingRow[]).map(sessionListingFromRow);
	}

	async delete(id: string): Promise<void> {
		this.deleteStmt.run(id);
	}

	async deleteByPublicId(userId: number, publicId: string): Promise<string | undefined> {
		return this.deletePublic.get(userId, publicId) as string | undefined;
	}

	async deleteOthersOf(userId: number, keepId: string): Promise<string[]> {
		return this.deleteOthers.all(userId, keepId) as string[];
	}

	async deleteAllOf(userId: number): Promise<void> {
		this.deleteOfUser.run(userId);
	}

	async purgeExpired(now: number, limit: number): Promise<number> {
		return this.purge.run(now, limit).changes;
	}
}
