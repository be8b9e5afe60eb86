import type { Database, Statement } from 'better-sqlite3';
import type { MaintenanceRepository } from '../maintenance';

export class SqliteMaintenance implements MaintenanceRepository {
	private readonly deleteBatch: Statement;
	private readonly select1: Statement;

	constructor(sqlite: Database) {
		// messages_created (created_at) finds the oldest rows without a scan.
		this.deleteBatch = sqlite.prepare(
			`DELETE FROM messages WHERE id IN
			 (SELECT id FROM messages WHERE created_at < ? ORDER BY created_at LIMIT ?)`
		);
		this.select1 = sqlite.prepare('SELECT 1');
	}

	async deleteMessagesBefore(cutoff: number, limit: number): Promise<number> {
		return this.deleteBatch.run(cutoff, limit).changes;
	}

	async ping(): Promise<void> {
		this.select1.get();
	}
}
