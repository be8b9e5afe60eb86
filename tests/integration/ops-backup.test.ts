import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, userClient } from '../helpers/client';
import { runNpmScript } from '../helpers/npm-script';
import { startServer, type TestServer } from '../helpers/server';
import { Sender, storedMessages } from '../helpers/traffic';

const servers: TestServer[] = [];
afterEach(async () => {
	for (const s of servers.splice(0)) await s.dispose();
});

/** Runs `npm run backup -- FILE` the way an operator would; resolves with its exit code and output. */
function backup(databaseUrl: string, file: string) {
	return runNpmScript('backup', [file], databaseUrl);
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

	it('fails clearly without a database', async () => {
		const { code, out } = await backup('/nonexistent/chat.db', '/nonexistent/x.db');
		expect(code).toBe(1);
		expect(out).toContain('No database at');
	});
});
