import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register, upgradeStatus } from '../helpers/client';
import { CROWD, sendAck, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

/*
 * A connect storm larger than the server takes in (CONNECT_QUEUE_MAX): the surplus is refused
 * at once with 503, before any session lookup, and those let in are served as usual.
 */
describe('connect storm beyond CONNECT_QUEUE_MAX', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({ ...CROWD, CONNECT_QUEUE_MAX: '5' });
	});
	afterAll(() => server?.dispose());

	it('refuses the surplus with 503 at once and serves the rest', async () => {
		const statuses = await Promise.all(
			Array.from({ length: 400 }, () => upgradeStatus(server, '/ws', { origin: server.url }))
		);
		const counts = new Map<number, number>();
		for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
		expect([...counts.keys()].every((s) => s === 101 || s === 503)).toBe(true);
		expect(counts.get(503) ?? 0).toBeGreaterThan(0);
		expect(counts.get(101) ?? 0).toBeGreaterThan(0);
		// Once the storm has passed, connecting works as ever.
		const c = await connect(server);
		expect(c.events.find((e) => e.type === 'welcome')).toBeDefined();
		await c.close();
	});
});

/*
 * A login storm: argon2 runs ARGON2_CONCURRENCY at a time with ARGON2_MAX_QUEUE waiting; the
 * rest are refused at once (429, retry in a second).
 */
describe('login storm beyond the argon2 line', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({ ARGON2_CONCURRENCY: '1', ARGON2_MAX_QUEUE: '1' });
		await register(server, 'storm_user');
	});
	afterAll(() => server?.dispose());

	it('answers the surplus 429 with Retry-After, and the rest log in', async () => {
		const answers = await Promise.all(
			Array.from({ length: 30 }, () =>
				fetch(`${server.url}/api/auth/login`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', origin: server.url },
					body: JSON.stringify({ username: 'storm_user', password: 'password123' })
				})
			)
		);
		const ok = answers.filter((r) => r.status === 200);
		const busy = answers.filter((r) => r.status === 429);
		expect(ok.length + busy.length).toBe(30);
		expect(ok.length).toBeGreaterThan(0);
		expect(busy.length).toBeGreaterThan(0);
		expect(busy[0]!.headers.get('retry-after')).toBe('1');
		expect((await busy[0]!.json()).error.code).toBe('rate_limited');
	});
});

/*
 * Accounts connecting at once: on PostgreSQL their sessions, rooms, room lists and notification
 * settings are read in batches (storage/postgres/read-batch.ts), one statement for many
 * connections. Each welcome must still be its own account's: name, rooms, unread counts and
 * settings. The accounts differ in each, so an answer handed to the wrong connection shows.
 */
describe('accounts connecting at once', () => {
	const ACCOUNTS = 24;
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({ ...CROWD, REGISTER_PER_HOUR: '1000' });
	});
	afterAll(() => server?.dispose());

	it('each gets its own welcome: name, rooms, unread counts and notification settings', async () => {
		const accounts = [];
		for (let i = 0; i < ACCOUNTS; i++) accounts.push(await register(server, uniq(`burst${i}`)));
		// Account 0 opens a room that every third account joins; every other account mutes
		// general; account i writes i % 3 messages to general. Its marker there starts at its
		// first connection, so its unread count is what the accounts after it wrote.
		const host = await connect(server, { cookie: accounts[0]!.cookie });
		host.send({ type: 'create_room', name: 'burst-side' });
		await host.next('room_created');
		await host.close();
		const expected = new Map<number, { side: boolean; writtenBefore: number; muted: boolean }>();
		let written = 0;
		for (let i = 1; i < ACCOUNTS; i++) {
			const c = await connect(server, { cookie: accounts[i]!.cookie });
			const own = i % 3;
			const want = { side: i % 3 === 0, writtenBefore: written + own, muted: i % 2 === 1 };
			if (want.side) {
				c.send({ type: 'join_room', room: 'burst-side' });
				await c.next('room_joined');
			}
			if (want.muted) {
				c.send({ type: 'set_notifications', room: 'general', muted: true });
				await c.next('notifications');
			}
			for (let m = 0; m < own; m++)
				await sendAck(c, { type: 'message', room: 'general', content: `from ${i}: ${m}` });
			written += own;
			expected.set(accounts[i]!.user.id, want);
			await c.close();
		}

		const clients = await Promise.all(
			accounts.slice(1).map((a) => connect(server, { cookie: a.cookie }))
		);
		for (const [k, client] of clients.entries()) {
			const account = accounts[k + 1]!;
			const want = expected.get(account.user.id)!;
			const welcome = client.events.find((e) => e.type === 'welcome')!;
			expect(welcome.content.user_id).toBe(account.user.id);
			expect(welcome.content.user_name).toBe(account.user.name);
			const rooms = welcome.content.rooms as {
				name: string;
				joined: boolean;
				unread: number;
				notify?: { muted: boolean };
			}[];
			const general = rooms.find((r) => r.name === 'general')!;
			expect(rooms.find((r) => r.name === 'burst-side')?.joined).toBe(want.side);
			expect(general.unread).toBe(written - want.writtenBefore);
			expect(general.notify?.muted ?? false).toBe(want.muted);
		}
		await Promise.all(clients.map((c) => c.close()));
	});
});
