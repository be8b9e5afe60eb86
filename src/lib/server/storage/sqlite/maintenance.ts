import type { Database, Statement } from 'better-sqlite3';
import type { MaintenanceRepository } from '../maintenance';

export class SqliteMaintenance implements MaintenanceRepository {
	private readonly oldest: Statement;
	private readonly deleteLog: Statement;
	private readonly deleteMessages: Statement;
	private readonly select1: Statement;

	constructor(private readonly sqlite: Database) {
		// messages_created (created_at) finds the oldest rows without a scan.
		this.oldest = sqlite
			.prepare('SELECT id FROM messages WHERE created_at < ? ORDER BY created_at LIMIT ?')
			.pluck();
		// The change log goes with its messages (changes_message); reactions and mentions
		// follow by their foreign keys. The seq is never reused (sqlite_sequence keeps it).
		this.deleteLog = sqlite.prepare(
			'DELETE FROM changes WHERE message_id IN (SELECT value FROM json_each(?))'
		);
		this.deleteMessages = sqlite.prepare(
			'DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))'
		);
		this.select1 = sqlite.prepare('SELECT 1');
	}

	async deleteMessagesBefore(cutoff: number, limit: number): Promise<number> {
		return this.sqlite.transaction(() => {
			const ids = JSON.stringify(this.oldest.all(cutoff, limit));
			this.deleteLog.run(ids);
			return this.deleteMessages.run(ids).changes;
		})();
	}

	async ping(): Promise<void> {
		this.select1.get();
	}
}
