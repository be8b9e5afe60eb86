import type { Database, Statement } from 'better-sqlite3';
import { deepFreeze } from '../../shared/deep-freeze';

/** Distinct reads kept at once; past this the memo starts over (reads are keyed by page, room…). */
const MAX_ENTRIES = 256;

/**
 * Answers reads that many connections make alike — the newest page of #general and its
 * moderation notices, the rooms' activity behind every room list — from memory while the
 * database has not changed since they were read. A connect or restart storm is 10,000
 * connection sequences making the same reads within seconds (docs/performance.md, issue 13).
 *
 * "Not changed" is exact, not a time-to-live: `total_changes()` counts every row this
 * connection inserted, updated or deleted (trigger rows too; a rollback only makes it forget
 * more often; well under a microsecond to read), and `PRAGMA data_version` moves when another
 * connection to the file commits (the sqlite3 shell, say). The pragma costs ~5 µs, so it is read
 * once per turn of the event loop: another process's commit is seen from the next turn on,
 * this process's own writes at once. Inside a transaction nothing is kept: what it wrote may
 * still be rolled back.
 *
 * Values are frozen (arrays and the objects in them, all the way down): every caller shares
 * them, and a caller that tried to change one would throw rather than corrupt the next reader.
 */
export class StateMemo {
	private readonly changes: Statement;
	private readonly dataVersion: Statement;
	private stamp = '';
	private readonly entries = new Map<string, unknown>();
	/** `PRAGMA data_version` as read in this turn of the event loop (null: read it again). */
	private otherWriters: number | null = null;

	constructor(private readonly sqlite: Database) {
		this.changes = sqlite.prepare('SELECT total_changes()').pluck();
		this.dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
	}

	read<T>(key: string, compute: () => T): T {
		if (this.sqlite.inTransaction) return compute();
		const stamp = `${this.changes.get()}/${this.otherWritersNow()}`;
		if (stamp !== this.stamp) {
			this.entries.clear();
			this.stamp = stamp;
		} else if (this.entries.has(key)) {
			return this.entries.get(key) as T;
		}
		const value = deepFreeze(compute());
		if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
		this.entries.set(key, value);
		return value;
	}

	private otherWritersNow(): number {
		if (this.otherWriters === null) {
			this.otherWriters = this.dataVersion.get() as number;
			setImmediate(() => (this.otherWriters = null)).unref();
		}
		return this.otherWriters;
	}
}
