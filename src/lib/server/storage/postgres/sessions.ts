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
import type { Sql } from './client';
import { groupedBy, TurnBatch } from '../../shared/turn-batch';
import { toUserRecord, type UserRow } from './users';

export class PostgresSessions implements SessionsRepository {
	constructor(private readonly sql: Sql) {}

	async insert(s: NewSession): Promise<void> {
		await this.sql`INSERT INTO sessions
			(id, user_id, expires_at, public_id, user_agent, address, created_at, last_seen_at)
			VALUES (${s.id}, ${s.userId}, ${s.expiresAt}, ${s.publicId}, ${s.userAgent},
			        ${s.address}, ${s.createdAt}, ${s.lastSeenAt})`;
	}

	/** Session and user by session id: the sequences of a connect storm read them batched. */
	private readonly withUsers = new TurnBatch(async (ids: string[]) => {
		const rows = await this.sql<SessionUserRow[]>`
			SELECT s.id AS session_id, s.expires_at AS session_expires_at,
			       s.last_seen_at AS session_last_seen_at,
			       u.id, u.username, u.name, u.password_hash,
			       u.role, u.created_at, u.banned_at, u.ban_reason, u.must_change_password
			FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ANY(${ids}::text[])`;
		return groupedBy(ids, rows, (r) => r.session_id).map(([row]) => row && withUserFromRow(row));
	});

	withUser(id: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
		return this.withUsers.request(id);
	}

	/** Expiry by session id: the heartbeat asks for a slice of connections' sessions at once. */
	private readonly expiries = new TurnBatch(async (ids: string[]) => {
		const rows = await this.sql<{ id: string; expires_at: number }[]>`
			SELECT id, expires_at FROM sessions WHERE id = ANY(${ids}::text[])`;
		return groupedBy(ids, rows, (r) => r.id).map(([row]) => row?.expires_at);
	});

	expiresAt(id: string): Promise<number | undefined> {
		return this.expiries.request(id);
	}

	async setExpiry(id: string, expiresAt: number): Promise<void> {
		await this.sql`UPDATE sessions SET expires_at = ${expiresAt} WHERE id = ${id}`;
	}

	async touchMany(sightings: readonly Sighting[]): Promise<void> {
		if (sightings.length === 0) return;
		// One statement for the lot (a restart storm's sessions are all seen within a second).
		await this
			.sql`UPDATE sessions s SET last_seen_at = v.at, address = coalesce(v.address, s.address)
			FROM unnest(${sightings.map((x) => x.id)}::text[], ${sightings.map((x) => x.lastSeenAt)}::bigint[],
			            ${sightings.map((x) => x.address)}::text[]) AS v(id, at, address)
			WHERE s.id = v.id`;
	}

	async listOf(userId: number, now: number): Promise<SessionListing[]> {
		const rows = await this.sql<SessionListingRow[]>`
			SELECT id, user_id, expires_at, public_id, user_agent, address, created_at, last_seen_at
			FROM sessions WHERE user_id = ${userId} AND expires_at > ${now}
			ORDER BY last_seen_at DESC, created_at DESC`;
		return rows.map(sessionListingFromRow);
	}

	async delete(id: string): Promise<void> {
		await this.sql`DELETE FROM sessions WHERE id = ${id}`;
	}

	async deleteByPublicId(userId: number, publicId: string): Promise<string | undefined> {
		const [row] = await this.sql<{ id: string }[]>`
			DELETE FROM sessions WHERE user_id = ${userId} AND public_id = ${publicId} RETURNING id`;
		return row?.id;
	}

	async deleteOthersOf(userId: number, keepId: string): Promise<string[]> {
		const rows = await this.sql<{ id: string }[]>`
			DELETE FROM sessions WHERE user_id = ${userId} AND id <> ${keepId} RETURNING id`;
		return rows.map((r) => r.id);
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

/** A session joined with its user. */
type SessionUserRow = UserRow & {
	session_id: string;
	session_expires_at: number;
	session_last_seen_at: number;
};

function withUserFromRow(row: SessionUserRow): { session: SessionRecord; user: UserRecord } {
	return {
		session: {
			id: row.session_id,
			userId: row.id,
			expiresAt: row.session_expires_at,
			lastSeenAt: row.session_last_seen_at
		},
		user: toUserRecord(row)
	};
}
