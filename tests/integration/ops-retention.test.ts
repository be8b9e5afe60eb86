import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { userClient } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { storedMessages } from '../helpers/traffic';

let server: TestServer | undefined;
afterEach(() => server?.dispose());

describe('RETENTION_DAYS', () => {
	it('deletes messages older than N days at start and keeps newer ones', async () => {
		server = await startServer();
		const { client, user } = await userClient(server, 'oldtimer');
		client.send({ type: 'message', content: 'fresh' });
		const fresh = await client.next((e) => e.content === 'fresh');
		await server.stop();

		// Rows from three and from half a day ago, written straight into the file.
		const db = new Database(server.dbFile);
		const now = Math.floor(Date.now() / 1000);
		const insert = db.prepare(
			`INSERT INTO messages (room_id, sender_id, sender_name, kind, body, created_at)
			 VALUES ((SELECT id FROM rooms WHERE name = 'general'), ?, 'oldtimer', 'text', ?, ?)`
		);
		insert.run(user.id, 'ancient', now - 3 * 86400);
		insert.run(user.id, 'recent', now - 86400 / 2);
		db.close();

		server = await startServer({ RETENTION_DAYS: '1' }, { port: server.port, dir: server.dir });
		await expect
			.poll(() => storedMessages(server!.dbFile).map((r) => r.body), { timeout: 5000 })
			.toEqual(['fresh', 'recent']);
		expect(storedMessages(server.dbFile)[0].id).toBe(fresh.id);
	});
});
