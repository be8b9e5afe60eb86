import type { Database, Statement } from 'better-sqlite3';
import type { MuteRecord, MutesRepository } from '../moderation';

export class SqliteMutes implements MutesRepository {
	private readonly deleteEndedStmt: Statement;
	private readonly allStmt: Statement;
	private readonly putStmt: Statement;
	private readonly deleteStmt: Statement;
	private readonly deleteEndedByStmt: Statement;

	constructor(sqlite: Database) {
		this.deleteEndedStmt = sqlite.prepare('DELETE FROM mutes WHERE until <= ?');
		this.allStmt = sqlite.prepare('SELECT user_id AS userId, until, reason FROM mutes');
		this.putStmt = sqlite.prepare(
			`INSERT INTO mutes (user_id, until, reason, by, created_at) VALUES (?, ?, ?, ?, ?)
			 ON CONFLICT(user_id) DO UPDATE SET until = excluded.until, reason = excluded.reason,
			   by = excluded.by, created_at = excluded.created_at`
		);
		this.deleteStmt = sqlite.prepare('DELETE FROM mutes WHERE user_id = ?');
		this.deleteEndedByStmt = sqlite.prepare('DELETE FROM mutes WHERE user_id = ? AND until <= ?');
	}

	async deleteEnded(now: number): Promise<void> {
		this.deleteEndedStmt.run(now);
	}

	async all(): Promise<MuteRecord[]> {
		return this.allStmt.all() as MuteRecord[];
	}

	async put(mute: MuteRecord & { by: number; at: number }): Promise<void> {
		this.putStmt.run(mute.userId, mute.until, mute.reason, mute.by, mute.at);
	}

	async delete(userId: number): Promise<void> {
		this.deleteStmt.run(userId);
	}

	async deleteEndedBy(userId: number, until: number): Promise<boolean> {
		return this.deleteEndedByStmt.run(userId, until).changes > 0;
	}
}
