import type { MaintenanceRepository } from '../maintenance';
import type { Sql } from './client';

export class PostgresMaintenance implements MaintenanceRepository {
	constructor(private readonly sql: Sql) {}

	async deleteMessagesBefore(cutoff: number, limit: number): Promise<number> {
		// messages_created finds the oldest rows without a scan. The change log goes with its
		// messages (changes_message); reactions and mentions follow by their foreign keys.
		// log_head is not touched: a seq is never reused.
		const [row] = await this.sql<{ n: number }[]>`
			WITH old AS (
				SELECT id FROM messages WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${limit}),
			log AS (DELETE FROM changes WHERE message_id IN (SELECT id FROM old)),
			gone AS (DELETE FROM messages WHERE id IN (SELECT id FROM old) RETURNING 1)
			SELECT COUNT(*) AS n FROM gone`;
		return row.n;
	}

	async ping(): Promise<void> {
		await this.sql`SELECT 1`;
	}
}
