import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { register } from '../helpers/client';
import { uniq } from '../helpers/chat';
import { startServer } from '../helpers/server';

/**
 * Issue 10, finding 11: get_receipts has an index. Read from SQLite's own query plan, so
 * this file runs on SQLite only (vite.config.ts leaves it out of integration-pg).
 */

describe('get_receipts', () => {
	it('finds readers through the (scope, last_read_id) index, not a scan', async () => {
		const server = await startServer();
		try {
			await register(server, uniq('receipts'));
			const db = new Database(server.dbFile, { readonly: true });
			try {
				const plan = db
					.prepare(
						`EXPLAIN QUERY PLAN SELECT rm.user_id, u.name, rm.updated_at AS read_at FROM read_markers rm
						 JOIN users u ON u.id = rm.user_id
						 WHERE rm.scope = ? AND rm.last_read_id >= ? AND rm.user_id <> ?
						 ORDER BY rm.updated_at, rm.user_id`
					)
					.all('r:1', 1, 1) as { detail: string }[];
				const details = plan.map((p) => p.detail).join('\n');
				expect(details).toContain('read_markers_scope');
				expect(details).not.toMatch(/SCAN rm\b/);
			} finally {
				db.close();
			}
		} finally {
			await server.dispose();
		}
	});
});
