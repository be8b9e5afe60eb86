import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, userClient, type TestClient } from '../helpers/client';
import { rawClient } from '../helpers/raw';
import { startServer, type TestServer } from '../helpers/server';

/** PROTOCOL.md §8: every error code, its message where the page gives one, and the socket stays. */

const MAX = 50;
let server: TestServer;
beforeAll(async () => {
	server = await startServer({
		MAX_MESSAGE_LENGTH: String(MAX),
		// Slow refill so that only the burst counts within a test.
		RATE_LIMIT_PER_SEC: '0.1',
		RATE_LIMIT_BURST: '5'
	});
});
afterAll(() => server?.dispose());

let n = 0;
/** A fresh account per test keeps rate-limit buckets apart. */
async function member(): Promise<{ id: number; client: TestClient; cookie: string }> {
	const { user, client, cookie } = await userClient(server, `erruser${++n}`);
	return { id: user.id, client, cookie };
}

/** Sends a frame and returns the error it gets; checks the code (and message when given). */
async function expectError(c: TestClient, frame: unknown, code: string, message?: string) {
	c.send(frame);
	const err = await c.next('error');
	expect(err.content.code, JSON.stringify(frame)).toBe(code);
	expect(typeof err.content.message).toBe('string');
	if (message !== undefined) expect(err.content.message, JSON.stringify(frame)).toBe(message);
	expect(err).toMatchObject({ from_id: 0, from_name: 'System' });
	expect(Number.isInteger(err.timestamp)).toBe(true);
	return err;
}

/** The connection is still open and answering. */
async function stillOpen(c: TestClient) {
	await c.request({ type: 'ping' }, 'pong');
	expect(c.closeCode).toBeNull();
}

describe('§8 error codes', () => {
	it('invalid_json: not JSON, or JSON that is not an object', async () => {
		const { client } = await member();
		for (const frame of [
			'not json',
			'{"type":',
			'',
			'[1,2]',
			'[]',
			'42',
			'"message"',
			'null',
			'true'
		]) {
			await expectError(client, frame, 'invalid_json', 'Invalid message format');
		}
		await stillOpen(client);
		await client.close();
	});

	it('invalid_message: missing type, wrong field types, binary frame', async () => {
		const { client } = await member();
		for (const frame of [
			{},
			{ content: 'no type' },
			{ type: 5 },
			{ type: null },
			{ type: 'message' },
			{ type: 'message', content: 5 },
			{ type: 'message', content: 'x', room: 7 },
			{ type: 'private_message', to_id: 'abc', content: 'x' },
			{ type: 'private_message', to_id: -3, content: 'x' },
			{ type: 'join_room', room: ['general'] },
			{ type: 'typing', is_typing: 'yes' },
			{ type: 'get_history', room: 'general', limit: 500 }
		]) {
			await expectError(client, frame, 'invalid_message');
		}
		client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
		expect((await client.next('error')).content.code).toBe('invalid_message');
		await stillOpen(client);
		await client.close();
	});

	it('accepts ids as numeric strings and ignores unknown extra fields', async () => {
		const a = await member();
		const b = await member();
		a.client.send({ type: 'private_message', to_id: String(b.id), content: 'hi', extra: [1] });
		expect(await b.client.next('private_message')).toMatchObject({ from_id: a.id, content: 'hi' });
		await Promise.all([a.client.close(), b.client.close()]);
	});

	it('unknown_type: "Unknown message type: X"', async () => {
		const { client } = await member();
		await expectError(client, { type: 'fly' }, 'unknown_type', 'Unknown message type: fly');
		await expectError(client, { type: '' }, 'unknown_type', 'Unknown message type: ');
		await expectError(
			client,
			{ type: 'toString' },
			'unknown_type',
			'Unknown message type: toString'
		);
		await stillOpen(client);
		await client.close();
	});

	it('invalid_name: "Invalid name (1-20 characters required)"', async () => {
		const { client } = await member();
		const message = 'Invalid name (1-20 characters required)';
		for (const frame of [
			{ type: 'set_name', name: '' },
			{ type: 'set_name', name: '   ' },
			{ type: 'set_name', name: 'x'.repeat(21) },
			{ type: 'set_name', name: 'bell\u0007' },
			{ type: 'set_name', name: 'two\nlines' },
			{ type: 'set_name' },
			{ type: 'set_name', name: 42 }
		]) {
			await expectError(client, frame, 'invalid_name', message);
		}
		// The limit counts characters after trimming, not UTF-16 units or bytes.
		const twenty = '😀'.repeat(20);
		client.send({ type: 'set_name', name: `  ${twenty}  ` });
		expect((await client.next('name_changed')).content.new_name).toBe(twenty);
		await stillOpen(client);
		await client.close();
	});

	it('too_large: content over MAX_MESSAGE_LENGTH characters', async () => {
		const a = await member();
		const b = await member();
		await expectError(a.client, { type: 'message', content: 'x'.repeat(MAX + 1) }, 'too_large');
		await expectError(
			a.client,
			{ type: 'private_message', to_id: b.id, content: 'y'.repeat(MAX + 1) },
			'too_large'
		);
		// Exactly the limit is fine, counted in characters (an emoji is one).
		a.client.send({ type: 'message', content: '🙂'.repeat(MAX) });
		expect((await a.client.next('message')).content).toBe('🙂'.repeat(MAX));
		await stillOpen(a.client);
		await Promise.all([a.client.close(), b.client.close()]);
	});

	it('empty: empty or whitespace-only content', async () => {
		const a = await member();
		const b = await member();
		for (const content of ['', '   ', '\n\t ']) {
			await expectError(a.client, { type: 'message', content }, 'empty');
			await expectError(a.client, { type: 'private_message', to_id: b.id, content }, 'empty');
		}
		await stillOpen(a.client);
		await Promise.all([a.client.close(), b.client.close()]);
	});

	it('rate_limited: one bucket per user across all of its connections', async () => {
		const a = await member();
		const tab2 = await connect(server, { cookie: a.cookie });
		// Burst 5, shared by both tabs: 3 + 2 pass, the next one from either tab is refused.
		for (let i = 0; i < 3; i++) a.client.send({ type: 'message', content: `tab1 ${i}` });
		for (let i = 0; i < 2; i++) tab2.send({ type: 'message', content: `tab2 ${i}` });
		for (let i = 0; i < 5; i++) await tab2.next('message');
		await expectError(tab2, { type: 'message', content: 'one too many' }, 'rate_limited');
		await expectError(a.client, { type: 'message', content: 'me too' }, 'rate_limited');
		expect(tab2.all('message').map((m) => m.content)).not.toContain('one too many');
		// Someone else is not affected.
		const b = await member();
		b.client.send({ type: 'message', content: 'unaffected' });
		await b.client.next((e) => e.type === 'message' && e.content === 'unaffected');
		await stillOpen(a.client);
		await Promise.all([a.client.close(), tab2.close(), b.client.close()]);
	});

	it('not_found: unknown user or room', async () => {
		const { client } = await member();
		await expectError(
			client,
			{ type: 'private_message', to_id: 987654, content: 'anyone?' },
			'not_found',
			'User not found or offline'
		);
		await expectError(client, { type: 'join_room', room: 'no-such-room' }, 'not_found');
		await stillOpen(client);
		await client.close();
	});

	it('forbidden: a room the user is not in', async () => {
		const owner = await member();
		const other = await member();
		owner.client.send({ type: 'create_room', name: `private-${n}` });
		await owner.client.next('room_joined');
		await expectError(
			other.client,
			{ type: 'message', room: `private-${n}`, content: 'hi' },
			'forbidden'
		);
		await expectError(other.client, { type: 'leave_room', room: `private-${n}` }, 'forbidden');
		await stillOpen(other.client);
		await Promise.all([owner.client.close(), other.client.close()]);
	});

	it('unauthorized: anything but auth and ping before logging in (guests off)', async () => {
		const c = await rawClient(server);
		await expectError(c, { type: 'message', content: 'hi' }, 'unauthorized');
		await expectError(c, { type: 'get_stats' }, 'unauthorized');
		await stillOpen(c);
		await c.close();
	});
});

describe('an error for one user does not touch another', () => {
	it('keeps every other connection open and delivering', async () => {
		const noisy = await member();
		const calm = await member();
		for (const frame of ['garbage', '[]', { type: 'nope' }, { type: 'message', content: 1 }]) {
			noisy.client.send(frame);
		}
		noisy.client.ws.send(Buffer.alloc(10), { binary: true });
		for (let i = 0; i < 5; i++) await noisy.client.next('error');
		calm.client.send({ type: 'message', content: 'still here' });
		await noisy.client.next((e) => e.type === 'message' && e.content === 'still here');
		await stillOpen(calm.client);
		await Promise.all([noisy.client.close(), calm.client.close()]);
	});
});
