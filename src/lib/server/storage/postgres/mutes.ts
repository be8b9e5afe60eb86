import type { MuteRecord, MutesRepository } from '../moderation';
import type { Sql } from './client';

export class PostgresMutes implements MutesRepository {
	constructor(private readonly sql: Sql) {}

	async deleteEnded(now: number): Promise<void> {
		await this.sql`DELETE FROM mutes WHERE until <= ${now}`;
	}

	async all(): Promise<MuteRecord[]> {
		return [
			...(await this.sql<MuteRecord[]>`SELECT user_id AS "userId", until, reason FROM mutes`)
		];
	}

	async put(mute: MuteRecord & { by: number; at: number }): Promise<void> {
		await this.sql`
			INSERT INTO mutes (user_id, until, reason, by, created_at)
			VALUES (${mute.userId}, ${mute.until}, ${mute.reason}, ${mute.by}, ${mute.at})
			ON CONFLICT (user_id) DO UPDATE SET until = excluded.until, reason = excluded.reason,
			  by = excluded.by, created_at = excluded.created_at`;
	}

	async delete(userId: number): Promise<void> {
		await this.sql`DELETE FROM mutes WHERE user_id = ${userId}`;
	}

	async deleteEndedBy(userId: number, until: number): Promise<void> {
		await this.sql`DELETE FROM mutes WHERE user_id = ${userId} AND until <= ${until}`;
	}
}
