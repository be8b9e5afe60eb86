import { toProfileRecord, type ProfileRow, type ProfilesRepository } from '../profiles';
import type { Sql } from './client';

export class PostgresProfiles implements ProfilesRepository {
	constructor(private readonly sql: Sql) {}

	async many(ids: number[]) {
		if (ids.length === 0) return [];
		const rows = await this.sql<ProfileRow[]>`
			SELECT id, avatar, status, time_zone FROM users WHERE id = ANY(${ids}::bigint[])`;
		return rows.map(toProfileRecord);
	}

	async setText(id: number, status: string, timeZone: string) {
		const [row] = await this.sql<ProfileRow[]>`
			UPDATE users SET status = ${status}, time_zone = ${timeZone} WHERE id = ${id}
			RETURNING id, avatar, status, time_zone`;
		return row && toProfileRecord(row);
	}

	async swapAvatar(id: number, avatar: string | null) {
		// The old token is read under the row lock the update takes: two uploads at once each
		// get the token the other replaced, so no blob is left behind.
		const [row] = await this.sql<(ProfileRow & { previous: string | null })[]>`
			UPDATE users u SET avatar = ${avatar}
			FROM (SELECT id, avatar FROM users WHERE id = ${id} FOR UPDATE) old
			WHERE u.id = old.id
			RETURNING u.id, u.avatar, u.status, u.time_zone, old.avatar AS previous`;
		return row && { previous: row.previous, profile: toProfileRecord(row) };
	}
}
