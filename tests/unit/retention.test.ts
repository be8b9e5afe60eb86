import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/client';
import { Retention, RETENTION_BATCH } from '../../src/lib/server/chat/retention';

const quiet = { info() {}, error() {} };

function databaseWith(oldRows: number, newRows: number, now: number) {
	const sqlite = openDatabase(':memory:').$client;
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
	return sqlite;
}

describe('Retention', () => {
	it('deletes only rows older than the cutoff, in batches that yield to the event loop', async () => {
		const now = 2_000_000_000;
		const sqlite = databaseWith(2 * RETENTION_BATCH + 500, 10, now);
		const deleted: number[] = [];
		const retention = new Retention(
			sqlite,
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
		const sqlite = databaseWith(5, 0, now);
		const off = new Retention(sqlite, 0, quiet, undefined, () => now);
		off.start();
		const stopped = new Retention(sqlite, 1, quiet, undefined, () => now);
		await stopped.stop();
		expect(await stopped.run()).toBe(0);
		expect(sqlite.prepare('SELECT COUNT(*) FROM messages').pluck().get()).toBe(5);
	});
});
