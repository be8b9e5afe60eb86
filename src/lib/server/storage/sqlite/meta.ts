import type { Database, Statement } from 'better-sqlite3';
import type { MetaRepository } from '../meta';

const GUEST_ID_HIGH = 'guest_id_high';

export class SqliteMeta implements MetaRepository {
	private readonly stored: Statement;
	private readonly seen: Statement;
	private readonly save: Statement;

	constructor(sqlite: Database) {
		this.stored = sqlite.prepare(`SELECT value FROM meta WHERE key = '${GUEST_ID_HIGH}'`).pluck();
		this.seen = sqlite
			.prepare(
				`SELECT MAX(COALESCE((SELECT MAX(sender_id) FROM messages WHERE sender_id >= @base), 0),
				            COALESCE((SELECT MAX(recipient_id) FROM messages WHERE recipient_id >= @base), 0))`
			)
			.pluck();
		this.save = sqlite.prepare(
			`INSERT INTO meta (key, value) VALUES ('${GUEST_ID_HIGH}', ?)
			 ON CONFLICT (key) DO UPDATE SET value = MAX(value, excluded.value)`
		);
	}

	async guestIdsUsedUpTo(base: number): Promise<number> {
		const stored = (this.stored.get() as number | undefined) ?? 0;
		return Math.max(stored, this.seen.get({ base }) as number);
	}

	async reserveGuestIds(upTo: number): Promise<void> {
		this.save.run(upTo);
	}
}
