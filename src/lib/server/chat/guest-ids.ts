import type { Database, Statement } from 'better-sqlite3';

/** Guest ids start here and never collide with account ids. */
export const GUEST_ID_BASE = 1_000_000_000;
/** Ids reserved per write of the high-water mark: one small write per this many guests. */
const BLOCK = 1000;
const KEY = 'guest_id_high';

/**
 * Hands out guest ids that are never given twice, not across restarts, crashes or
 * retention: the `meta` row `guest_id_high` stores the end of the block of ids reserved so
 * far, and is moved forward (committed) before any id of a new block is used. A restart
 * starts above it; ids reserved but unused are skipped. Messages addressed to a guest
 * therefore can never be read by a later guest that happens to get the same id.
 */
export class GuestIds {
	private next: number;
	private reservedUpTo: number;
	private readonly save: Statement;

	constructor(sqlite: Database) {
		this.save = sqlite.prepare(
			`INSERT INTO meta (key, value) VALUES ('${KEY}', ?)
			 ON CONFLICT (key) DO UPDATE SET value = MAX(value, excluded.value)`
		);
		const stored =
			(sqlite.prepare(`SELECT value FROM meta WHERE key = '${KEY}'`).pluck().get() as
				number | undefined) ?? 0;
		// Databases from before the mark existed: stay above every guest id they mention.
		const seen = sqlite
			.prepare(
				`SELECT MAX(COALESCE((SELECT MAX(sender_id) FROM messages WHERE sender_id >= @base), 0),
				            COALESCE((SELECT MAX(recipient_id) FROM messages WHERE recipient_id >= @base), 0))`
			)
			.pluck()
			.get({ base: GUEST_ID_BASE }) as number;
		this.next = Math.max(GUEST_ID_BASE, stored + 1, seen + 1);
		this.reservedUpTo = this.next - 1;
	}

	/** A guest id never handed out before. */
	take(): number {
		if (this.next > this.reservedUpTo) {
			this.reservedUpTo = this.next + BLOCK - 1;
			this.save.run(this.reservedUpTo);
		}
		return this.next++;
	}
}
