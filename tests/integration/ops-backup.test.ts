import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, userClient } from '../helpers/client';
import { sendAck } from '../helpers/chat';
import { download, image, upload } from '../helpers/files';
import { runNpmScript } from '../helpers/npm-script';
import { startServer, type TestServer } from '../helpers/server';
import { Sender, storedMessages } from '../helpers/traffic';

const servers: TestServer[] = [];
afterEach(async () => {
	for (const s of servers.splice(0)) await s.dispose();
});

/** Runs `npm run backup -- FILE` the way an operator would; resolves with its exit code and output. */
function backup(databaseUrl: string, file: string, uploadDir = '/nonexistent/uploads') {
	return runNpmScript('backup', [file], databaseUrl, { UPLOAD_DIR: uploadDir });
}

describe('backup and restore', () => {
	it('backs up a running server under traffic; a server started on the copy has the messages', async () => {
		const live = await startServer({ RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' });
		servers.push(live);
		const { cookie, client } = await userClient(live, 'archivist');
		const sender = new Sender(client, 'archivist', 8);
		sender.start();
		await sender.ackedAtLeast(50);
		const ackedBefore = new Map(sender.acked);

		const file = join(live.dir, 'snapshot.db');
		const { code, out } = await backup(live.dbFile, file);
		expect(out).toMatch(/Backed up .* messages/);
		expect(code).toBe(0);
		await sender.ackedAtLeast(ackedBefore.size + 20); // traffic carried on meanwhile
		sender.stop();
		expect(existsSync(file)).toBe(true);

		// Refuses to overwrite without --force.
		expect((await backup(live.dbFile, file)).code).toBe(1);

		// Restore: a server on the copy (the copy is a plain SQLite file, nothing else needed).
		const restored = await startServer({ DATABASE_URL: file });
		servers.push(restored);
		const rows = await storedMessages(file);
		const ids = new Set(rows.map((r) => r.client_id));
		for (const clientId of ackedBefore.keys()) expect(ids.has(clientId)).toBe(true);
		// The restored server serves what the copy holds.
		const again = await connect(restored, { cookie });
		const history = again.events.find((e) => e.type === 'history')!;
		expect(history.content.messages.at(-1).id).toBe(rows.at(-1)!.id);
		await again.close();
		await client.close();
	});

	it('takes the uploaded files along; a server restored from the copy serves them', async () => {
		const live = await startServer();
		servers.push(live);
		const { cookie, client } = await userClient(live, 'keeper');
		const png = await image('png', 64, 48);
		const res = await upload(live, cookie, png, 'kept.png');
		expect(res.status).toBe(201);
		const file = await res.json();
		await sendAck(client, { type: 'file', upload_id: file.id });
		await client.close();

		const copy = join(live.dir, 'with-files.db');
		const { code, out } = await backup(live.dbFile, copy, join(live.dir, 'uploads'));
		expect(code).toBe(0);
		expect(out).toMatch(/2 files/); // the image and its thumbnail
		// Restore as docs/operations.md says: the database file, and its .uploads as UPLOAD_DIR.
		const restored = await startServer({ DATABASE_URL: copy, UPLOAD_DIR: `${copy}.uploads` });
		servers.push(restored);
		const got = await download(restored, file.url, cookie);
		expect(got.status).toBe(200);
		expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true);
		expect((await download(restored, file.thumb_url, cookie)).status).toBe(200);
	});

	it('fails clearly without a database', async () => {
		const { code, out } = await backup('/nonexistent/chat.db', '/nonexistent/x.db');
		expect(code).toBe(1);
		expect(out).toContain('No database at');
	});
});
