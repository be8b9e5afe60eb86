import type { MetaRepository } from '../meta';
import type { Sql } from './client';

const GUEST_ID_HIGH = 'guest_id_high';

export class PostgresMeta implements MetaRepository {
	constructor(private readonly sql: Sql) {}

	async guestIdsUsedUpTo(base: number): Promise<number> {
		const [row] = await this.sql<{ stored: number | null; seen: number }[]>`
			SELECT (SELECT value FROM meta WHERE key = ${GUEST_ID_HIGH}) AS stored,
			       GREATEST(COALESCE((SELECT MAX(sender_id) FROM messages WHERE sender_id >= ${base}), 0),
			                COALESCE((SELECT MAX(recipient_id) FROM messages WHERE recipient_id >= ${base}), 0))
			         AS seen`;
		return Math.max(row.stored ?? 0, row.seen);
	}

	async reserveGuestIds(upTo: number): Promise<void> {
		await this.sql`
			INSERT INTO meta (key, value) VALUES (${GUEST_ID_HIGH}, ${upTo})
			ON CONFLICT (key) DO UPDATE SET value = GREATEST(meta.value, excluded.value)`;
	}
}
