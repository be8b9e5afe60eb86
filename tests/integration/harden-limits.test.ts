import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Event, TestClient } from '../helpers/client';
import { connect, cookieOf, upgradeAnswer, upgradeStatus } from '../helpers/client';
import { until } from '../helpers/until';
import { nextError, uniq } from '../helpers/chat';
import { rawClient, writeDb } from '../helpers/raw';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Issue 10, findings 2–4: every frame type is paid for from a per-connection budget, room
 * creation has a quota, room lists are one bounded query, and one address cannot fill the
 * server with anonymous sockets or hold memory with pending logins. Every test attacks the
 * real server the way the review did.
 */

/** Every client message type with a well-formed example. */
const EXAMPLES: Record<string, Record<string, unknown>> = {
	ping: {},
	typing: { is_typing: true },
	read: { message_id: 1 },
	message: { content: 'x' },
	image: { url: 'https://example.com/a.png' },
	private_message: { to_id: 1, content: 'x' },
	get_stats: {},
	leave_room: { room: 'random' },
	kick: { target_id: 1 },
	mute: { target_id: 1, duration_seconds: 60 },
	unmute: { target_id: 1 },
	ban: { target_id: 1 },
	unban: { target_id: 1 },
	get_receipts: { message_id: 1 },
	auth: { username: 'nobody', password: 'whatever1' },
	get_users: {},
	get_history: {},
	join_room: { room: 'random' },
	set_name: { name: 'Budget' },
	get_rooms: {},
	resume: { after_id: 0 },
	create_room: { name: 'budget-room' }
};

const rateLimited = (e: Event) => e.type === 'error' && e.content.code === 'rate_limited';

/** Sends `n` copies of a frame in one go and waits for the budget's refusal. */
async function floodUntilRefused(client: TestClient, frame: string, n: number): Promise<Event> {
	for (let i = 0; i < n; i++) client.ws.send(frame);
	return client.next(rateLimited, 10_000);
}

/**
 * Registers from a chosen address: these servers trust X-Forwarded-For (ADDRESS_HEADER), and
 * then every request must carry it.
 */
async function register(server: TestServer, username: string, address = '192.0.2.1') {
	const res = await fetch(`${server.url}/api/auth/register`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			origin: server.url,
			'x-forwarded-for': address
		},
		body: JSON.stringify({ username, password: 'password123' })
	});
	if (res.status !== 201) throw new Error(`register ${username}: ${res.status}`);
	return { cookie: cookieOf(res) };
}

/** A socket from a chosen address (the server trusts X-Forwarded-For in these tests). */
function fromAddress(server: TestServer, address: string, cookie?: string) {
	return rawClient(server, { headers: { 'x-forwarded-for': address }, cookie });
}

/** Opens `n` sockets at once; resolves each to 'open' (and stayed open), '503' or 'closed <code>'. */
function openMany(server: TestServer, n: number, headers: Record<string, string> = {}) {
	return Promise.all(
		Array.from(
			{ length: n },
			() =>
				new Promise<{ outcome: string; ws: WebSocket }>((resolve) => {
					const ws = new WebSocket(server.wsUrl, { headers });
					ws.on('error', () => {});
					ws.once('unexpected-response', (_req, res) =>
						resolve({ outcome: String(res.statusCode), ws })
					);
					ws.once('open', () => ws.send('{"type":"ping"}'));
					ws.once('message', () => resolve({ outcome: 'open', ws }));
					ws.once('close', (code) => resolve({ outcome: `closed ${code}`, ws }));
				})
		)
	);
}

describe('frame budget (every frame type)', () => {
	let server: TestServer;
	let cookie: string;
	beforeAll(async () => {
		server = await startServer({ ADDRESS_HEADER: 'x-forwarded-for' });
		await register(server, uniq('budgetadmin')); // the first account is the admin
		({ cookie } = await register(server, uniq('budget')));
		// 1,500 rooms, as the review's account created: written straight to the file.
		await writeDb(
			server,
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
			 INSERT INTO rooms (name, topic) SELECT 'spam-' || i, 'a topic that takes some room ' || i FROM n`
		);
	});
	afterAll(() => server?.dispose());

	it('refuses each type with rate_limited and retry_after once its budget is spent', async () => {
		for (const [type, fields] of Object.entries(EXAMPLES)) {
			const client = await connect(server, { cookie });
			const refused = await floodUntilRefused(client, JSON.stringify({ type, ...fields }), 250);
			expect(refused.content.retry_after, type).toBeGreaterThan(0);
			await client.close();
		}
		// Frames that are not even valid messages pay too.
		const junk = await connect(server, { cookie });
		expect((await floodUntilRefused(junk, 'not json', 250)).content.code).toBe('rate_limited');
		await junk.close();
	}, 60_000);

	it('100 get_rooms from one socket do not delay another user’s pong', async () => {
		const abuser = await connect(server, { cookie });
		const other = await connect(server, { cookie: (await register(server, uniq('pong'))).cookie });
		const pong = async () => {
			const started = performance.now();
			await other.request({ type: 'ping' }, 'pong');
			return performance.now() - started;
		};
		const quiet = await pong(); // this machine's round trip, without the abuse
		for (let i = 0; i < 100; i++) abuser.send({ type: 'get_rooms' });
		// Before the budget: 2.2 s (every get_rooms answered, 4 queries per room).
		expect(await pong()).toBeLessThan(quiet + 250);
		// The budget (200 units, get_rooms costs 20) answers 10; the rest get one error. After
		// the wait it names, a ping is answered: by then all 100 were handled (frames are in order).
		const refused = await abuser.next(rateLimited);
		await new Promise((r) => setTimeout(r, refused.content.retry_after * 1000));
		await abuser.request({ type: 'ping' }, 'pong');
		expect(abuser.all('rooms').length).toBeLessThanOrEqual(11);
		expect(abuser.all('error').filter((e) => e.content.code === 'rate_limited')).toHaveLength(1);
		await Promise.all([abuser.close(), other.close()]);
	});

	it('keeps room lists bounded: the welcome stays small with 1,500 rooms', async () => {
		const client = await connect(server, { cookie });
		const welcome = client.events.find((e) => e.type === 'welcome')!;
		const rooms = welcome.content.rooms as { name: string; joined: boolean }[];
		expect(rooms.filter((r) => !r.joined).length).toBeLessThanOrEqual(100);
		expect(rooms.some((r) => r.name === 'general' && r.joined)).toBe(true);
		expect(JSON.stringify(welcome).length).toBeLessThan(32 * 1024);
		await client.close();
	});

	it('closes (1008) a socket that keeps sending into an empty budget, answering it rarely', async () => {
		const client = await connect(server, { cookie });
		for (let i = 0; i < 1300; i++) client.ws.send('{"type":"ping"}');
		expect(await client.closed).toBe(1008);
		expect(client.all('error').length).toBeLessThanOrEqual(2);
		// 200 from the burst, a few more as it refills while the flood is read.
		expect(client.all('pong').length).toBeLessThan(400);
	});

	it('refuses (429) the account cut off for flooding at its next upgrades, not anyone else', async () => {
		const flooder = await register(server, uniq('flooder'));
		const client = await connect(server, { cookie: flooder.cookie });
		for (let i = 0; i < 1300; i++) client.ws.send('{"type":"ping"}');
		expect(await client.closed).toBe(1008);
		// The server learns of the close on its side of the socket, maybe after the client did.
		await until(
			async () => (await upgradeStatus(server, '/ws', { cookie: flooder.cookie })) === 429
		);
		// It says when to come back: within the 10 s penalty.
		const refusal = await upgradeAnswer(server, '/ws', { cookie: flooder.cookie });
		expect(refusal.status).toBe(429);
		expect(Number(refusal.headers['retry-after'])).toBeGreaterThanOrEqual(1);
		expect(Number(refusal.headers['retry-after'])).toBeLessThanOrEqual(10);
		const bystander = await register(server, uniq('bystander'));
		expect(await upgradeStatus(server, '/ws', { cookie: bystander.cookie })).toBe(101);
	});
});

describe('room creation quota', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({
			ROOMS_PER_USER_PER_DAY: '5',
			FRAME_BUDGET_PER_SEC: '100000',
			FRAME_BUDGET_BURST: '100000',
			GUESTS: '1'
		});
	});
	afterAll(() => server?.dispose());

	it('1,500 create_room at once: the quota is created, every other one refused', async () => {
		const admin = await register(server, uniq('quotaadmin'));
		const { cookie } = await register(server, uniq('quota'));
		const client = await connect(server, { cookie });
		const prefix = uniq('q').toLowerCase();
		for (let i = 0; i < 1500; i++) client.send({ type: 'create_room', name: `${prefix}-${i}` });
		const refusals = await collect(client, rateLimited, 1495);
		expect(refusals[0].content.message).toContain('5 rooms a day');
		expect(refusals[0].content.retry_after).toBeGreaterThan(23 * 3600);
		expect(client.all('room_joined')).toHaveLength(5);
		// Admins are not limited.
		const boss = await connect(server, { cookie: admin.cookie });
		for (let i = 0; i < 6; i++) boss.send({ type: 'create_room', name: `${prefix}-a${i}` });
		await collect(boss, (e) => e.type === 'room_joined', 6);
		await Promise.all([client.close(), boss.close()]);
	});

	it('guests create no rooms', async () => {
		const guest = await connect(server, { origin: null });
		guest.send({ type: 'create_room', name: uniq('g').toLowerCase() });
		expect((await nextError(guest)).code).toBe('forbidden');
		await guest.close();
	});
});

/** Waits until `count` events matching `pred` arrived; returns them. */
async function collect(client: TestClient, pred: (e: Event) => boolean, count: number) {
	const got: Event[] = [];
	while (got.length < count) got.push(await client.next(pred, 10_000));
	return got;
}

describe('per-address caps and pending logins', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({
			MAX_CONNECTIONS: '50',
			MAX_CONNECTIONS_PER_ADDRESS: '12',
			MAX_ANONYMOUS_PER_ADDRESS: '8',
			ADDRESS_HEADER: 'x-forwarded-for'
		});
	});
	afterAll(() => server?.dispose());

	it('50 anonymous sockets from one address do not lock out a real user', async () => {
		const { cookie } = await register(server, uniq('real'));
		const flood = await openMany(server, 50, { 'x-forwarded-for': '198.51.100.1' });
		const outcomes = flood.map((r) => r.outcome);
		expect(outcomes.filter((o) => o === 'open')).toHaveLength(8); // MAX_ANONYMOUS_PER_ADDRESS
		for (const o of outcomes.filter((o) => o !== 'open'))
			expect(['503', 'closed 1013']).toContain(o);
		// The same address with a session still gets in, and so does anyone elsewhere.
		const real = await fromAddress(server, '198.51.100.1', cookie);
		expect((await real.next('welcome')).content.is_guest).toBe(false);
		expect(await upgradeStatus(server, '/ws', { 'x-forwarded-for': '203.0.113.9' })).toBe(101);
		await real.close();
		for (const r of flood) r.ws.terminate();
	});

	it('caps all sockets of one address, accounts too, at MAX_CONNECTIONS_PER_ADDRESS', async () => {
		const { cookie } = await register(server, uniq('tabs'));
		const headers = { 'x-forwarded-for': '198.51.100.2', cookie };
		const tabs = await openMany(server, 14, headers);
		expect(tabs.filter((r) => r.outcome === 'open')).toHaveLength(12);
		expect(await upgradeStatus(server, '/ws', headers)).toBe(503);
		for (const r of tabs) r.ws.terminate();
	});

	it('closes (1008) a socket that sends more than 64 KiB while its auth is checked', async () => {
		// The right password: without the bound, the login would succeed and the socket stay.
		const username = uniq('held');
		await register(server, username);
		const client = await fromAddress(server, '198.51.100.3');
		let reason = '';
		client.ws.once('close', (_code, why) => (reason = why.toString()));
		client.send({ type: 'auth', username, password: 'password123' });
		const big = JSON.stringify({ type: 'message', content: 'h'.repeat(30_000) });
		for (let i = 0; i < 3; i++) client.ws.send(big);
		expect(await client.closed).toBe(1008);
		expect(reason).toBe('Too much data while logging in');
	});

	it('lets an address check only a few logins at once; the others are told to retry', async () => {
		const clients = await Promise.all(
			Array.from({ length: 8 }, () => fromAddress(server, '198.51.100.4'))
		);
		for (const c of clients) c.send({ type: 'auth', username: 'nobody', password: 'wrong-pass' });
		const answers = await Promise.all(
			clients.map((c) => c.next((e) => e.type === 'auth_failed' || rateLimited(e)))
		);
		const refused = answers.filter(rateLimited);
		expect(refused.length).toBeGreaterThanOrEqual(4); // at most 2 in progress at once
		expect(refused[0].content.retry_after).toBeGreaterThan(0);
		for (const c of clients) c.ws.terminate();
	});
});
