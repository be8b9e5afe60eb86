import { afterEach, describe, expect, it } from 'vitest';
import { userClient } from '../helpers/client';
import { insertMessage, nowSec } from '../helpers/db';
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

		// Rows from three and from half a day ago, written straight into the database.
		const now = nowSec();
		await insertMessage(server, user.id, 'ancient', now - 3 * 86400);
		await insertMessage(server, user.id, 'recent', now - 86400 / 2);

		server = await startServer({ RETENTION_DAYS: '1' }, server);
		await expect
			.poll(async () => (await storedMessages(server!)).map((r) => r.body), { timeout: 5000 })
			.toEqual(['fresh', 'recent']);
		expect((await storedMessages(server))[0].id).toBe(fresh.id);
	});
});
