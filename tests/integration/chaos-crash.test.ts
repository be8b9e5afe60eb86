import { afterEach, describe, expect, it } from 'vitest';
import { connect, userClient, type TestClient } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { Sender, storedMessages } from '../helpers/traffic';

let server: TestServer | undefined;
afterEach(() => server?.dispose());

/** Ids of live `message` events in arrival order (history pages are not counted). */
function recordIds(client: TestClient, into: number[]) {
	client.ws.on('message', (data) => {
		const e = JSON.parse(String(data));
		if (e.type === 'message') into.push(e.id);
	});
}

describe('kill -9 in the middle of steady traffic', () => {
	it('keeps every acknowledged message; resume leaves no gap and no duplicate', async () => {
		const fast = { RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' };
		server = await startServer(fast);
		const senders: { sender: Sender; cookie: string }[] = [];
		for (const name of ['crash1', 'crash2', 'crash3', 'crash4']) {
			const { client, cookie } = await userClient(server, name);
			senders.push({ sender: new Sender(client, name, 6), cookie });
		}
		const reader = await userClient(server, 'crashreader');
		const seen: number[] = [];
		recordIds(reader.client, seen);
		for (const { sender } of senders) sender.start();
		await Promise.all(senders.map(({ sender }) => sender.ackedAtLeast(40)));

		server = await server.restart(true); // SIGKILL while messages are in flight
		await reader.client.closed;

		// 1. Everything any client saw acknowledged is stored, under the id it was given.
		const stored = new Map((await storedMessages(server)).map((r) => [r.client_id, r.id]));
		let acked = 0;
		for (const { sender } of senders) {
			for (const [clientId, id] of sender.acked) {
				expect(stored.get(clientId)).toBe(id);
				acked++;
			}
		}
		expect(acked).toBeGreaterThanOrEqual(160);

		// 2. The reader reconnects and resumes after the last id it saw.
		const again = await connect(server, { cookie: reader.cookie });
		recordIds(again, seen);
		again.send({ type: 'resume', after_id: seen.at(-1) ?? 0 });
		await again.next('resumed');

		// 3. Senders retry what they never saw acknowledged, with the same client_ids: what was
		//    committed before the crash comes back as the original, the rest is stored now.
		for (const { sender, cookie } of senders) {
			const retry = await connect(server, { cookie });
			const waiting = new Set(sender.resendPending(retry));
			while (waiting.size > 0) {
				const echo = await retry.next((e) => e.type === 'message' && waiting.has(e.client_id));
				waiting.delete(echo.client_id);
			}
			await retry.close();
		}

		// 4. The reader ends with every stored message exactly once, in order.
		const all = (await storedMessages(server)).map((r) => r.id);
		if (seen.at(-1) !== all.at(-1)) await again.next((e) => e.id === all.at(-1));
		expect(seen).toEqual(all);
		expect(new Set(all).size).toBe(all.length);
		const clientIds = (await storedMessages(server)).map((r) => r.client_id);
		expect(new Set(clientIds).size).toBe(clientIds.length);
		await again.close();
	});
});
