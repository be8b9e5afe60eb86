import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientMessageSchemas, isClientMessageType } from '../../src/lib/protocol/client';
import { errorCodes } from '../../src/lib/protocol/errors';
import { register, TestClient, userClient, type Event } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Hostile input from several connections at once: thousands of malformed frames, checked
 * against the exact answer PROTOCOL.md §8 names where one is certain, and against "stays
 * up, stays open, answers with a protocol error code" where the input is free-form.
 */
const MAX_FRAME = 65536;
const SEED = 20261125; // fixed so a failure reproduces; change it to explore
let server: TestServer;
beforeAll(async () => {
	// The frame budget would refuse most of a 1,000-frame burst before parsing it; this test
	// checks each frame's own answer, so the budget is lifted (it has tests of its own).
	server = await startServer({
		MAX_FRAME_BYTES: String(MAX_FRAME),
		FRAME_BUDGET_PER_SEC: '100000',
		FRAME_BUDGET_BURST: '100000'
	});
	await register(server, 'fuzzadmin'); // the first account is the admin; the fuzzers are not
});
afterAll(() => server?.dispose());

type Frame = { data: string | Buffer; binary?: boolean; expect: string };

const knownTypes = Object.keys(clientMessageSchemas);
const notAString = fc.oneof(
	fc.integer(),
	fc.double(),
	fc.boolean(),
	fc.constant(null),
	fc.array(fc.integer(), { maxLength: 3 }),
	fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 })
);
const badId = fc.oneof(
	fc.constantFrom(0, -1, 1.5, 1e308, -1e308, 2 ** 53, 2 ** 64, '', 'abc', '1e3', '0x10', true),
	fc.constant(null),
	fc.string({ maxLength: 3 }).filter((s) => !/^\d{1,16}$/.test(s) || Number(s) === 0)
);
const deep = (depth: number, open: string, close: string, inner = '1') =>
	open.repeat(depth) + inner + close.repeat(depth);

/** Frames whose answer is certain: one `error` with this code each. */
const certain: fc.Arbitrary<Frame> = fc.oneof(
	// Not JSON at all.
	fc
		.string({ maxLength: 40 })
		.filter((s) => {
			try {
				JSON.parse(s);
				return false;
			} catch {
				return true;
			}
		})
		.map((data) => ({ data, expect: 'invalid_json' })),
	// JSON, but not an object: numbers (huge ones too), strings, arrays, null, deep nesting.
	fc
		.oneof(
			fc.double().map((n) => JSON.stringify(n)),
			fc.constantFrom('1e308', '-0', '123456789012345678901234567890', 'null', 'true', '""'),
			fc.array(fc.jsonValue(), { maxLength: 4 }).map((a) => JSON.stringify(a)),
			fc.integer({ min: 100, max: 20_000 }).map((d) => deep(d, '[', ']'))
		)
		.map((data) => ({ data, expect: 'invalid_json' })),
	// Objects without a string type.
	fc
		.record({ type: notAString, content: fc.string({ maxLength: 10 }) }, { requiredKeys: [] })
		.map((o) => ({ data: JSON.stringify(o), expect: 'invalid_message' })),
	fc
		.integer({ min: 100, max: 8000 })
		.map((d) => ({ data: deep(d, '{"a":', '}'), expect: 'invalid_message' })),
	// Unknown types, including prototype names.
	fc
		.oneof(
			fc.string({ maxLength: 80 }),
			fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'MESSAGE')
		)
		.filter((t) => !isClientMessageType(t))
		.map((type) => ({ data: JSON.stringify({ type }), expect: 'unknown_type' })),
	// Known types with fields of the wrong type or out of range.
	fc
		.oneof(
			notAString.map((content) => ({ type: 'message', content })),
			badId.map((to_id) => ({ type: 'private_message', to_id, content: 'x' })),
			badId.map((message_id) => ({ type: 'read', message_id })),
			fc.constantFrom(-1, 1.5, 1e308, 'x', null).map((after_id) => ({ type: 'resume', after_id })),
			notAString
				.filter((v) => typeof v !== 'boolean')
				.map((is_typing) => ({ type: 'typing', is_typing })),
			fc
				.constantFrom(0, 101, 1e308, -5, 'ten', 2.5)
				.map((limit) => ({ type: 'get_history', room: 'general', limit })),
			fc
				.constantFrom(0, 1e308, -1, 'forever', 1.5)
				.map((duration_seconds) => ({ type: 'mute', target_id: 1, duration_seconds })),
			fc.string({ minLength: 65, maxLength: 200 }).map((room) => ({ type: 'join_room', room }))
		)
		.map((o) => ({ data: JSON.stringify(o), expect: 'invalid_message' })),
	fc.integer({ min: 100, max: 8000 }).map((d) => ({
		data: `{"type":"message","content":${deep(d, '{"a":', '}')}}`,
		expect: 'invalid_message'
	})),
	// Binary frames.
	fc
		.uint8Array({ minLength: 0, maxLength: 64 })
		.map((bytes) => ({ data: Buffer.from(bytes), binary: true, expect: 'invalid_message' }))
);

/** Free-form frames on the protocol's own types: anything may happen except a crash. */
const freeForm: fc.Arbitrary<string> = fc
	.record({
		type: fc.constantFrom(...knownTypes.filter((t) => t !== 'auth')),
		rest: fc.dictionary(
			fc.constantFrom(
				'content',
				'room',
				'to_id',
				'client_id',
				'name',
				'topic',
				'with',
				'before',
				'limit',
				'after_id',
				'is_typing',
				'message_id',
				'target_id',
				'duration_seconds',
				'reason',
				'url',
				'__proto__'
			),
			fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.integer(), fc.string({ maxLength: 30 })),
			{ maxKeys: 4 }
		)
	})
	.map(({ type, rest }) => JSON.stringify({ ...rest, type }));

async function open(cookie?: string): Promise<TestClient> {
	const ws = new WebSocket(server.wsUrl, {
		headers: { origin: server.url, ...(cookie ? { cookie } : {}) }
	});
	const client = new TestClient(ws);
	await new Promise((resolve, reject) => {
		ws.once('open', resolve);
		ws.once('error', reject);
	});
	return client;
}

/** Sends `{type:"ping"}` and waits for its pong: every earlier frame has been answered. */
async function settle(client: TestClient) {
	client.send({ type: 'ping' });
	await client.next('pong', 15_000);
}

describe('fuzzing the gateway', () => {
	it('answers thousands of malformed frames with the specified errors and keeps everyone chatting', async () => {
		const a = await userClient(server, 'bystander1');
		const b = await userClient(server, 'bystander2');
		const fuzzers = await Promise.all(
			['fuzz1', 'fuzz2', 'fuzz3'].map(async (name) => (await userClient(server, name)).client)
		);
		const freeFuzzer = (await userClient(server, 'fuzz4')).client;
		const anonymous = await open();

		const runs = fuzzers.map(async (client, i) => {
			const frames = fc.sample(certain, { numRuns: 1000, seed: SEED + i });
			const start = client.events.length;
			for (const f of frames) client.ws.send(f.data, { binary: !!f.binary });
			await settle(client);
			const errors = client.events
				.slice(start)
				.filter((e) => e.type === 'error')
				.map((e: Event) => e.content.code);
			const wrong = frames
				.map((f, k) => ({ frame: String(f.data).slice(0, 120), want: f.expect, got: errors[k] }))
				.filter((x) => x.want !== x.got);
			expect(wrong).toEqual([]);
			expect(errors).toHaveLength(frames.length);
			expect(client.closeCode).toBeNull();
		});
		// Free-form frames from an account and from an unauthenticated socket, meanwhile.
		const freeFrames = fc.sample(freeForm, { numRuns: 800, seed: SEED + 9 });
		const free = [freeFuzzer, anonymous].map(async (client) => {
			const start = client.events.length;
			for (const frame of freeFrames) client.send(frame);
			await settle(client);
			const errors = client.events.slice(start).filter((e) => e.type === 'error');
			for (const e of errors) {
				expect(errorCodes).toContain(e.content.code);
				expect(e.content.message).not.toBe('The server could not process that message');
			}
			expect(client.closeCode).toBeNull();
		});
		await Promise.all([...runs, ...free]);
		expect(anonymous.all('error').every((e) => e.content.code !== 'internal')).toBe(true);

		// Everyone else kept chatting throughout.
		a.client.send({ type: 'message', content: 'after the storm' });
		await b.client.next((e) => e.content === 'after the storm');
		expect(server.output()).not.toMatch(/"level":50/);
		for (const c of [a.client, b.client, anonymous, freeFuzzer, ...fuzzers]) await c.close();
	});

	it('closes with 1007 on invalid UTF-8 and 1009 on oversized frames, fragmented or not', async () => {
		const invalidUtf8 = fc.sample(
			fc.uint8Array({ minLength: 1, maxLength: 32 }).filter((bytes) => {
				try {
					new TextDecoder('utf-8', { fatal: true }).decode(bytes);
					return false;
				} catch {
					return true;
				}
			}),
			{ numRuns: 8, seed: SEED }
		);
		const { cookie, user: framer } = await register(server, 'framer');
		for (const bytes of invalidUtf8) {
			const client = await open(cookie);
			client.ws.send(Buffer.from(bytes), { binary: false });
			expect(await client.closed).toBe(1007);
		}

		const big = await open(cookie);
		big.send('x'.repeat(MAX_FRAME + 1));
		expect(await big.closed).toBe(1009);

		// Fragments are reassembled: a message in three fragments works…
		const fragments = await open(cookie);
		await fragments.next('history');
		fragments.ws.send('{"type":"message",', { fin: false });
		fragments.ws.send('"content":"in three ', { fin: false });
		fragments.ws.send('parts"}', { fin: true });
		// (The framer's own echo: the fuzzing before may still be arriving from other senders.)
		const echo = await fragments.next((e) => e.type === 'message' && e.from_id === framer.id);
		expect(echo.content).toBe('in three parts');
		// …and fragments adding up past the limit close the connection like one big frame.
		const chunk = 'y'.repeat(MAX_FRAME / 4);
		for (let i = 0; i < 5; i++) fragments.ws.send(chunk, { fin: false });
		expect(await fragments.closed).toBe(1009);

		const res = await fetch(`${server.url}/healthz`);
		expect(res.status).toBe(200);
		const metrics = await (await fetch(`${server.url}/metrics`)).text();
		expect(metrics).toMatch(/chat_disconnects_total\{reason="too_large"\} 2/);
		expect(metrics).toMatch(/chat_disconnects_total\{reason="invalid_utf8"\} 8/);
	});
});
