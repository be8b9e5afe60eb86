import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userClient } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

const LIMIT = 1024 * 1024;
const BODY = 50_000;
const ROUND = 8; // messages per round; healthy readers are never more than one round behind
const FLOOD = 640; // ~32 MB to every reader: far more than the backlog limit and socket buffers

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

		// The flood goes in rounds, each awaited by every healthy reader, so that only the
		// paused one falls behind however busy this machine is.
		const healthy = [steady, a, b, flooder].map((u) => u.client);
		let maxBuffered = 0;
		for (let sent = 0; sent < FLOOD; sent += ROUND) {
			for (let i = sent; i < sent + ROUND; i++) {
				flooder.client.send({
					type: 'message',
					content: `f${i}`.padEnd(BODY, '.'),
					client_id: `f${i}`
				});
			}
			const last = `f${sent + ROUND - 1}`;
			await Promise.all(healthy.map((c) => c.next((e) => e.client_id === last, 10_000)));
			if (sent % (ROUND * 8) === 0)
				maxBuffered = Math.max(maxBuffered, await metric('chat_send_buffer_bytes'));
		}

		// Cut off once, at the limit: the server's queue for it never passed limit + a round.
		// (RSS is not asserted: allocator churn from 30 MB of strings swamps the signal.)
		await expect.poll(() => metric('chat_disconnects_total{reason="slow_consumer"}')).toBe(1);
		// Without the cut-off the server would hold the whole flood (~25 MB) for this socket.
		expect(maxBuffered).toBeLessThan(LIMIT + 2 * ROUND * (BODY + 1024));

		// The others got everything and still chat.
		a.client.send({ type: 'message', content: 'still here?' });
		await b.client.next((e) => e.content === 'still here?');

		// The slow reader, once it reads again, finds its connection closed (1008, or 1006
		// when the server had to drop it before the close frame got through).
		slow.client.ws.resume();
		expect([1008, 1006]).toContain(await slow.client.closed);
		// Its queue is freed with it.
		await expect.poll(() => metric('chat_send_buffer_bytes')).toBeLessThan(LIMIT);
		for (const c of healthy) await c.close();
	});
});
