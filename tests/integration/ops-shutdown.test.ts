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

		const rows = await storedMessages(server);
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

	it('stops accepting connections at once, while the open ones are still closing', async () => {
		server = await startServer({ SHUTDOWN_TIMEOUT_MS: '3000', LOG_LEVEL: 'info' });
		// A socket that ignores the close handshake keeps the server in its shutdown phase.
		const { client } = await userClient(server, 'lingerer');
		client.ws.pause();
		const s = server;
		s.proc.kill('SIGTERM');
		while (!s.output().includes('"shutting down"'))
			await new Promise((r) => s.proc.stdout!.once('data', r));
		// The listener is closed: the TCP connection itself is refused (upgradeStatus gives 0).
		// (An upgrade on a keep-alive connection opened earlier would get 503 from the gateway.)
		expect(await upgradeStatus(s)).toBe(0);
		expect(client.closeCode).toBeNull(); // the paused socket is still being closed
		client.ws.resume();
		await server.stop();
		expect(server.proc.exitCode).toBe(0);
		await expect(connect(server)).rejects.toThrow();
	});
});
