import { describe, expect, it } from 'vitest';
import { Retention, RETENTION_BATCH } from '../../src/lib/server/chat/retention';
import { openSqliteStorage } from '../../src/lib/server/storage/sqlite';

const quiet = { info() {}, error() {} };

async function databaseWith(oldRows: number, newRows: number, now: number) {
	const storage = await openSqliteStorage(':memory:');
	const { sqlite } = storage;
	sqlite.prepare(`INSERT INTO users (username, name, password_hash) VALUES ('u', 'u', 'x')`).run();
	sqlite.prepare(`INSERT INTO rooms (name, topic) VALUES ('r', '')`).run();
	const insert = sqlite.prepare(
		`INSERT INTO messages (room_id, sender_id, sender_name, kind, body, created_at)
		 VALUES (1, 1, 'u', 'text', 'x', ?)`
	);
	sqlite.transaction(() => {
		for (let i = 0; i < oldRows; i++) insert.run(now - 40 * 86400 + i);
		for (let i = 0; i < newRows; i++) insert.run(now - 3600 + i);
	})();
	return { sqlite, maintenance: storage.maintenance };
}

describe('Retention', () => {
	it('deletes only rows older than the cutoff, in batches that yield to the event loop', async () => {
		const now = 2_000_000_000;
		const { sqlite, maintenance } = await databaseWith(2 * RETENTION_BATCH + 500, 10, now);
		const deleted: number[] = [];
		const retention = new Retention(
			maintenance,
			30,
			quiet,
			(n) => deleted.push(n),
			() => now
		);
		let turns = 0;
		const tick = () => {
			turns++;
			if (running) setImmediate(tick);
		};
		let running = true;
		setImmediate(tick);
		const total = await retention.run();
		running = false;
		expect(total).toBe(2 * RETENTION_BATCH + 500);
		expect(deleted).toEqual([RETENTION_BATCH, RETENTION_BATCH, 500]);
		expect(turns).toBeGreaterThanOrEqual(2); // other work ran between batches
		expect(sqlite.prepare('SELECT COUNT(*) FROM messages').pluck().get()).toBe(10);
	});

	it('keeps everything with 0 days and after stop()', async () => {
		const now = 2_000_000_000;
		const { sqlite, maintenance } = await databaseWith(5, 0, now);
		const off = new Retention(maintenance, 0, quiet, undefined, () => now);
		off.start();
		const stopped = new Retention(maintenance, 1, quiet, undefined, () => now);
		await stopped.stop();
		expect(await stopped.run()).toBe(0);
		expect(sqlite.prepare('SELECT COUNT(*) FROM messages').pluck().get()).toBe(5);
	});
});
