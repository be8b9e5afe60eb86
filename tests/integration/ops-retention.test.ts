import { afterEach, describe, expect, it } from 'vitest';
import { userClient } from '../helpers/client';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sendAck } from '../helpers/chat';
import { countDb, insertMessage, nowSec, writeDb } from '../helpers/db';
import { download, upload } from '../helpers/files';
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

	it('takes the files of the messages it deletes off the disk', async () => {
		server = await startServer();
		const { client, cookie } = await userClient(server, 'archiver');
		const res = await upload(server, cookie, Buffer.from('%PDF-1.4 old'), 'old.pdf');
		const file = await res.json();
		const posted = await sendAck(client, { type: 'file', upload_id: file.id });
		await client.close();
		await server.stop();
		// The file's message was sent three days ago (written behind the server's back).
		await writeDb(
			server,
			'UPDATE messages SET created_at = ? WHERE id = ?',
			nowSec() - 3 * 86400,
			posted.id
		);
		const bytes = join(server.dir, 'uploads', file.id);
		expect(existsSync(bytes)).toBe(true);

		server = await startServer({ RETENTION_DAYS: '1' }, server);
		await expect.poll(() => existsSync(bytes), { timeout: 5000 }).toBe(false);
		expect(await countDb(server, 'SELECT COUNT(*) AS n FROM uploads')).toBe(0);
		expect((await download(server, file.url, cookie)).status).toBe(404);
	});
});
