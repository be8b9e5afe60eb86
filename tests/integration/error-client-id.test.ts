import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userClient, type TestClient } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

/**
 * An `error` names the frame it answers by that frame's `client_id` (docs/protocol.md, §8
 * errors), so a client with several sends in flight knows which one failed; a frame without
 * a usable one gets an error without it, as before.
 */

const MAX = 50;
let server: TestServer;
let admin: { user: { id: number }; client: TestClient };
let seq = 0;
const fresh = () => userClient(server, `cid${++seq}`);

beforeAll(async () => {
	server = await startServer({ MAX_MESSAGE_LENGTH: String(MAX), RATE_LIMIT_BURST: '100' });
	admin = await fresh(); // the first account: admin
});
afterAll(() => server?.dispose());

async function errorFor(c: TestClient, frame: Record<string, unknown>) {
	c.send(frame);
	return c.next('error');
}

describe('error client_id', () => {
	it('a too-long send and a muted send answer with their own client_id; without one, none', async () => {
		const { client, user } = await fresh();
		const long = await errorFor(client, {
			type: 'message',
			content: 'x'.repeat(MAX + 1),
			client_id: 'long-1'
		});
		expect(long.content).toMatchObject({ code: 'too_large', max: MAX, client_id: 'long-1' });

		const bare = await errorFor(client, { type: 'message', content: 'x'.repeat(MAX + 1) });
		expect(bare.content.code).toBe('too_large');
		expect('client_id' in bare.content).toBe(false);

		admin.client.send({ type: 'mute', target_id: user.id, duration_seconds: 300 });
		await client.next('muted');
		const muted = await errorFor(client, { type: 'message', content: 'hi', client_id: 'mute-1' });
		expect(muted.content).toMatchObject({ code: 'muted', client_id: 'mute-1' });
		expect(typeof muted.content.until).toBe('number');
		const dm = await errorFor(client, {
			type: 'private_message',
			to_id: admin.user.id,
			content: 'psst',
			client_id: 'mute-2'
		});
		expect(dm.content).toMatchObject({ code: 'muted', client_id: 'mute-2' });
		const mutedBare = await errorFor(client, { type: 'message', content: 'hi' });
		expect(mutedBare.content.code).toBe('muted');
		expect('client_id' in mutedBare.content).toBe(false);
		await client.close();
	});

	it('a frame that fails validation still names a usable client_id; an unusable one is left out', async () => {
		const { client } = await fresh();
		const invalid = await errorFor(client, { type: 'message', content: 5, client_id: 'bad-1' });
		expect(invalid.content).toMatchObject({ code: 'invalid_message', client_id: 'bad-1' });

		const unknown = await errorFor(client, { type: 'shout', client_id: 'bad-2' });
		expect(unknown.content).toMatchObject({ code: 'unknown_type', client_id: 'bad-2' });

		const empty = await errorFor(client, { type: 'message', content: ' ', client_id: 'bad-3' });
		expect(empty.content).toMatchObject({ code: 'empty', client_id: 'bad-3' });

		// Too long for the schema (64), or not a string: the error has no client_id.
		for (const clientId of ['x'.repeat(65), 42, '']) {
			const err = await errorFor(client, { type: 'message', content: 5, client_id: clientId });
			expect(err.content.code).toBe('invalid_message');
			expect('client_id' in err.content, JSON.stringify(clientId)).toBe(false);
		}
		await client.close();
	});
});
