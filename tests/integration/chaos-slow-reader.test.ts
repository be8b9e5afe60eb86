import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userClient } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { Sender } from '../helpers/traffic';

const LIMIT = 256 * 1024;
const BODY = 50_000;
const FLOOD = 600; // ~30 MB to every reader: far more than the backlog limit and socket buffers

let server: TestServer;
beforeAll(async () => {
	server = await startServer({
		MAX_BUFFERED_BYTES: String(LIMIT),
		MAX_MESSAGE_LENGTH: String(BODY + 100),
		MAX_FRAME_BYTES: String(128 * 1024),
		RATE_LIMIT_PER_SEC: '100000',
		RATE_LIMIT_BURST: '100000'
	});
});
afterAll(() => server?.dispose());

async function metric(name: string): Promise<number> {
	const text = await (await fetch(`${server.url}/metrics`)).text();
	const line = text.split('\n').find((l) => l.startsWith(`${name} `));
	return line ? Number(line.split(' ')[1]) : 0;
}

describe('a reader that stops reading its socket', () => {
	it('is cut off at the backlog limit; memory stays bounded and others are unaffected', async () => {
		const slow = await userClient(server, 'slowpoke');
		const steady = await userClient(server, 'steady');
		const a = await userClient(server, 'chatter1');
		const b = await userClient(server, 'chatter2');
		const flooder = await userClient(server, 'flooder');
		slow.client.ws.pause(); // stops reading: the kernel buffers fill, then the server's queue

		const sender = new Sender(flooder.client, 'flood', 8, (id) => id.padEnd(BODY, '.'));
		sender.start();
		let maxBuffered = 0;
		while (sender.acked.size < FLOOD) {
			maxBuffered = Math.max(maxBuffered, await metric('chat_send_buffer_bytes'));
			await sender.ackedAtLeast(sender.acked.size + 50);
		}
		sender.stop();
		const last = Math.max(...sender.acked.values());

		// Cut off once, at the limit: queued bytes never exceed limit + one frame per socket.
		// (RSS is not asserted: allocator churn from 30 MB of strings swamps the signal.)
		await expect.poll(() => metric('chat_disconnects_total{reason="slow_consumer"}')).toBe(1);
		// Without the cut-off the server would hold the whole flood (~25 MB) for this socket.
		expect(maxBuffered).toBeLessThan(5 * (LIMIT + BODY + 1024));

		// The others got everything and still chat.
		await steady.client.next((e) => e.type === 'message' && e.id === last, 10_000);
		a.client.send({ type: 'message', content: 'still here?' });
		await b.client.next((e) => e.content === 'still here?');

		// The slow reader, once it reads again, finds its connection closed (1008, or 1006
		// when the server had to drop it before the close frame got through).
		slow.client.ws.resume();
		expect([1008, 1006]).toContain(await slow.client.closed);
		// Its queue is freed with it.
		await expect.poll(() => metric('chat_send_buffer_bytes')).toBeLessThan(LIMIT);
		for (const c of [steady, a, b, flooder]) await c.client.close();
	});
});
