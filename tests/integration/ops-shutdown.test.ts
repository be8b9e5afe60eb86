import { afterEach, describe, expect, it } from 'vitest';
import { connect, upgradeStatus, userClient } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { Sender, storedMessages } from '../helpers/traffic';

let server: TestServer | undefined;
afterEach(() => server?.dispose());

describe('graceful shutdown', () => {
	it('on SIGTERM closes sockets with 1001, commits everything acknowledged and exits 0', async () => {
		server = await startServer({ RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' });
		const senders: Sender[] = [];
		for (const name of ['down1', 'down2', 'down3']) {
			const { client } = await userClient(server, name);
			senders.push(new Sender(client, name, 8));
		}
		const watcher = await userClient(server, 'downwatch');
		for (const s of senders) s.start();
		await Promise.all(senders.map((s) => s.ackedAtLeast(30)));

		const started = Date.now();
		server.proc.kill('SIGTERM');
		const codes = await Promise.all([
			...senders.map((s) => s.client.closed),
			watcher.client.closed
		]);
		expect(new Set(codes)).toEqual(new Set([1001]));
		await server.stop();
		expect(server.proc.exitCode).toBe(0);
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(server.output()).not.toMatch(/"level":50/); // no errors logged on the way down

		const rows = storedMessages(server.dbFile);
		const byClientId = new Map(rows.map((r) => [r.client_id, r.id]));
		let acked = 0;
		for (const s of senders) {
			for (const [clientId, id] of s.acked) {
				expect(byClientId.get(clientId)).toBe(id);
				acked++;
			}
		}
		expect(acked).toBeGreaterThanOrEqual(90);
	});

	it('refuses new WebSocket upgrades once shutting down', async () => {
		server = await startServer({ SHUTDOWN_TIMEOUT_MS: '3000' });
		// A socket that ignores the close handshake keeps the server in its shutdown phase.
		const { client } = await userClient(server, 'lingerer');
		client.ws.pause();
		server.proc.kill('SIGTERM');
		const status = await upgradeStatus(server);
		expect(status).toBe(503);
		client.ws.resume();
		await server.stop();
		expect(server.proc.exitCode).toBe(0);
		await expect(connect(server)).rejects.toThrow();
	});
});
