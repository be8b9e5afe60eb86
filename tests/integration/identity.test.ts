import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, login, register, upgradeStatus, type TestClient } from '../helpers/client';
import { nowSec } from '../helpers/db';
import { rawClient, writeDb } from '../helpers/raw';
import { startServer, type TestServer } from '../helpers/server';

/** PROTOCOL.md §1 (transport) and §2 (who is connecting), against real servers. */

const HEARTBEAT_MS = 200;
/** Guests on: the tutorial's behaviour. */
let guests: TestServer;
/** Guests off: only `auth` and `ping` before logging in. */
let members: TestServer;

beforeAll(async () => {
	[guests, members] = await Promise.all([
		startServer({ GUESTS: '1', HEARTBEAT_MS: String(HEARTBEAT_MS) }),
		startServer({
			GUESTS: '0',
			HEARTBEAT_MS: String(HEARTBEAT_MS),
			AUTH_TIMEOUT_MS: '500',
			LOGIN_MAX_FAILURES: '2',
			ALLOWED_ORIGINS: 'http://allowed.example, https://also.example'
		})
	]);
});
afterAll(() => Promise.all([guests?.dispose(), members?.dispose()]));

/** Resolves after the socket has received `n` WebSocket pings: a clock made of heartbeats. */
function pings(client: TestClient, n: number): Promise<void> {
	return new Promise((resolve) => {
		let seen = 0;
		client.ws.on('ping', () => {
			if (++seen === n) resolve();
		});
	});
}

describe('§1 transport', () => {
	it('upgrades on /ws and /, refuses other paths with 404', async () => {
		expect(await upgradeStatus(guests, '/ws')).toBe(101);
		expect(await upgradeStatus(guests, '/')).toBe(101);
		expect(await upgradeStatus(guests, '/ws?v=1')).toBe(101);
		for (const path of ['/socket', '/ws/', '/api/ws', '/login']) {
			expect(await upgradeStatus(guests, path), path).toBe(404);
		}
	});

	it('answers a binary frame with invalid_message and keeps the connection', async () => {
		const c = await connect(guests, { origin: null });
		c.ws.send(Buffer.from('{"type":"ping"}'), { binary: true });
		const err = await c.next('error');
		expect(err.content.code).toBe('invalid_message');
		expect(typeof err.content.message).toBe('string');
		c.send({ type: 'ping' });
		await c.next('pong');
		expect(c.closeCode).toBeNull();
		await c.close();
	});

	it('answers {"type":"ping"} with pong, before and after logging in', async () => {
		const anon = await rawClient(members);
		const pong = await anon.request({ type: 'ping' }, 'pong');
		expect(Number.isInteger(pong.timestamp)).toBe(true);
		await anon.close();
		const c = await connect(guests, { origin: null });
		await c.request({ type: 'ping' }, 'pong');
		await c.close();
	});

	it('pings every HEARTBEAT_MS and terminates a socket that does not answer', async () => {
		const silent = await rawClient(guests, { autoPong: false });
		const lively = await connect(guests, { origin: null });
		const fourBeats = pings(lively, 4);
		expect(await silent.closed).toBe(1006); // terminated, no close handshake
		await fourBeats;
		expect(lively.closeCode).toBeNull();
		await lively.request({ type: 'ping' }, 'pong');
		await lively.close();
	});
});

describe('§2 session cookie and Origin', () => {
	it('accepts the cookie from the own origin, from ALLOWED_ORIGINS, and without an Origin', async () => {
		const { user, cookie } = await register(members, 'originok');
		for (const origin of [members.url, 'http://allowed.example', 'https://also.example', null]) {
			const c = await connect(members, { cookie, origin });
			expect(c.events[0].content, String(origin)).toMatchObject({
				user_id: user.id,
				is_guest: false
			});
			await c.close();
		}
	});

	it('ignores a cookie from a foreign origin: unauthorized with guests off', async () => {
		const { cookie } = await register(members, 'hijackme');
		for (const origin of ['http://evil.example', 'null', 'http://allowed.example.evil.com']) {
			const c = await rawClient(members, { cookie, origin });
			const err = await c.request({ type: 'get_users' }, 'error');
			expect(err.content.code, origin).toBe('unauthorized');
			expect(c.all('welcome')).toHaveLength(0);
			await c.close();
		}
	});

	it('with guests on, a foreign-origin cookie makes a guest, never the account', async () => {
		const { user, cookie } = await register(guests, 'victim2');
		for (const origin of ['http://evil.example', 'null']) {
			const c = await connect(guests, { cookie, origin });
			const welcome = c.events[0].content;
			expect(welcome.is_guest).toBe(true);
			expect(welcome.user_id).not.toBe(user.id);
			expect(welcome.user_name).toMatch(/^User\d+$/);
			await c.close();
		}
	});

	it('refuses the upgrade of a banned account with 403', async () => {
		const { user, cookie } = await register(members, 'banneduser');
		await writeDb(members, 'UPDATE users SET banned_at = ? WHERE id = ?', nowSec(), user.id);
		expect(await upgradeStatus(members, '/ws', { cookie, origin: members.url })).toBe(403);
	});
});

describe('§2 the auth message', () => {
	it('answers auth_success, then welcome, users and history; others get join', async () => {
		const { user } = await register(members, 'clitool');
		const watcher = await connect(members, { cookie: (await register(members, 'watcher')).cookie });
		const c = await rawClient(members); // no Origin, no cookie: a command-line tool
		c.send({ type: 'auth', username: 'CLITOOL', password: 'password123' });
		await c.next('history');
		expect(c.events.map((e) => e.type)).toEqual(['auth_success', 'welcome', 'users', 'history']);
		expect(c.events[0].content).toMatchObject({ user_id: user.id, user_name: 'clitool' });
		expect(c.events[1].content).toMatchObject({ user_id: user.id, is_guest: false });
		const join = await watcher.next('join');
		expect(join).toMatchObject({ from_id: user.id, content: { user_id: user.id } });
		// Now a full member: sending works.
		c.send({ type: 'message', content: 'from the terminal' });
		const echo = await c.next('message');
		expect(echo).toMatchObject({ from_id: user.id, content: 'from the terminal' });
		const dup = await c.request({ type: 'auth', username: 'clitool', password: 'x' }, 'error');
		expect(dup.content.code).toBe('invalid_message');
		await c.close();
		await watcher.close();
	});

	it('holds frames sent right behind auth until it succeeds', async () => {
		const { user } = await register(members, 'pipeliner');
		const c = await rawClient(members);
		c.send({ type: 'auth', username: 'pipeliner', password: 'password123' });
		c.send({ type: 'message', content: 'sent before the answer' });
		c.send({ type: 'message', content: 'and another' });
		const echo = await c.next('message');
		expect(echo).toMatchObject({ from_id: user.id, content: 'sent before the answer' });
		expect((await c.next('message')).content).toBe('and another');
		expect(c.all('error')).toHaveLength(0);
		expect(c.events[0].type).toBe('auth_success');
		await c.close();
	});

	it('answers a wrong password with auth_failed and a reason, then closes 1008', async () => {
		await register(members, 'wrongpw');
		const c = await rawClient(members);
		c.send({ type: 'auth', username: 'wrongpw', password: 'not-the-password' });
		const failed = await c.next('auth_failed');
		expect(typeof failed.content.reason).toBe('string');
		expect(failed.content.reason.length).toBeGreaterThan(0);
		expect(await c.closed).toBe(1008);
	});

	it('throttles auth like the login page, sharing the counter with HTTP login', async () => {
		await register(members, 'throttled');
		for (let i = 0; i < 2; i++) {
			const c = await rawClient(members);
			c.send({ type: 'auth', username: 'throttled', password: 'wrong-password' });
			expect((await c.next('auth_failed')).content.code).toBe('wrong_credentials');
			await c.closed;
		}
		const c = await rawClient(members);
		c.send({ type: 'auth', username: 'throttled', password: 'password123' });
		const failed = await c.next('auth_failed');
		expect(failed.content.code).toBe('throttled');
		expect(failed.content.retry_after).toBeGreaterThan(0);
		expect(await c.closed).toBe(1008);
		const http = await login(members, 'throttled');
		expect(http.res.status).toBe(429);
		expect(Number(http.res.headers.get('retry-after'))).toBeGreaterThan(0);
	});

	it('refuses a banned account with auth_failed', async () => {
		const { user } = await register(members, 'bannedcli');
		await writeDb(members, 'UPDATE users SET banned_at = ? WHERE id = ?', nowSec(), user.id);
		const c = await rawClient(members);
		c.send({ type: 'auth', username: 'bannedcli', password: 'password123' });
		expect((await c.next('auth_failed')).content.code).toBe('banned');
		expect(await c.closed).toBe(1008);
	});

	it('before auth allows only auth and ping; anything else is unauthorized and the socket stays', async () => {
		const c = await rawClient(members);
		for (const msg of [
			{ type: 'message', content: 'hi' },
			{ type: 'get_users' },
			{ type: 'private_message', to_id: 1, content: 'hi' },
			{ type: 'set_name', name: 'sneaky' }
		]) {
			const err = await c.request(msg, 'error');
			expect(err.content.code, msg.type).toBe('unauthorized');
		}
		await c.request({ type: 'ping' }, 'pong');
		const bad = await c.request({ type: 'auth', username: 'x' }, 'error');
		expect(bad.content.code).toBe('invalid_message');
		expect(c.closeCode).toBeNull();
		await c.close();
	});

	it('closes with 1008 an unauthenticated socket that does not log in in time', async () => {
		const c = await rawClient(members);
		expect(await c.closed).toBe(1008);
	});

	it('keeps a socket that logged in in time past the deadline', async () => {
		await register(members, 'intime');
		const c = await rawClient(members);
		c.send({ type: 'auth', username: 'intime', password: 'password123' });
		await c.next('history');
		await pings(c, 4); // 4 × 200 ms heartbeats > the 500 ms deadline
		await c.request({ type: 'ping' }, 'pong');
		expect(c.closeCode).toBeNull();
		await c.close();
	});
});

describe('§2 guests (GUESTS=1)', () => {
	it('names guests User<n> with integer ids never reused and never an account id', async () => {
		const accounts = [
			(await register(guests, 'acct1')).user,
			(await register(guests, 'acct2')).user
		];
		const seen: { id: number; name: string }[] = [];
		for (let i = 0; i < 3; i++) {
			const c = await connect(guests, { origin: null });
			const w = c.events[0].content;
			expect(w.is_guest).toBe(true);
			expect(Number.isInteger(w.user_id)).toBe(true);
			expect(w.user_id).toBeGreaterThan(0);
			expect(w.user_name).toMatch(/^User\d+$/);
			seen.push({ id: w.user_id, name: w.user_name });
			await c.close(); // its id must still not come back
		}
		const ids = seen.map((s) => s.id);
		expect(new Set(ids).size).toBe(3);
		expect([...ids].sort((a, b) => a - b)).toEqual(ids);
		for (const a of accounts) expect(ids).not.toContain(a.id);
		expect(new Set(seen.map((s) => s.name)).size).toBe(3);
	});

	it('lets guests chat in public rooms and send private messages', async () => {
		const member = await connect(guests, { cookie: (await register(guests, 'guestpal')).cookie });
		const memberId = member.events[0].content.user_id;
		const g1 = await connect(guests, { origin: null });
		const g2 = await connect(guests, { origin: null });
		const g1Id = g1.events[0].content.user_id;
		const g2Id = g2.events[0].content.user_id;

		g1.send({ type: 'message', content: 'guest says hi' });
		const echo = await g1.next('message');
		expect(echo).toMatchObject({ room: 'general', from_id: g1Id, content: 'guest says hi' });
		await member.next((e) => e.type === 'message' && e.id === echo.id);

		g1.send({ type: 'private_message', to_id: memberId, content: 'psst member' });
		const got = await member.next('private_message');
		expect(got).toMatchObject({ from_id: g1Id, to_id: memberId, content: 'psst member' });
		await g1.next('private_message_sent');

		g1.send({ type: 'private_message', to_id: String(g2Id), content: 'psst guest' });
		expect(await g2.next('private_message')).toMatchObject({
			from_id: g1Id,
			content: 'psst guest'
		});
		await Promise.all([g1.close(), g2.close(), member.close()]);
	});

	it('turns a guest that sends auth into the account', async () => {
		const { user } = await register(guests, 'wasguest');
		const watcher = await connect(guests, { origin: null });
		const c = await connect(guests, { origin: null });
		const guestId = c.events[0].content.user_id;
		await watcher.next((e) => e.type === 'join' && e.content.user_id === guestId);
		c.send({ type: 'auth', username: 'wasguest', password: 'password123' });
		expect((await c.next('auth_success')).content.user_id).toBe(user.id);
		const welcome = await c.next('welcome');
		expect(welcome.content).toMatchObject({ user_id: user.id, is_guest: false });
		await watcher.next((e) => e.type === 'leave' && e.content.user_id === guestId);
		await watcher.next((e) => e.type === 'join' && e.content.user_id === user.id);
		const users = await watcher.request({ type: 'get_users' }, 'users');
		const ids = users.content.map((u: { id: number }) => u.id);
		expect(ids).toContain(user.id);
		expect(ids).not.toContain(guestId);
		await Promise.all([c.close(), watcher.close()]);
	});
});

describe('the original tutorial client (GUESTS=1)', () => {
	/** What a page opened from file:// does: ws://host:port/, Origin "null", no cookie. */
	const tutorialClient = () => rawClient(guests, { path: '/', origin: 'null' });

	it('works unchanged: guest, set_name, message, private_message, get_users, get_stats', async () => {
		const alice = await tutorialClient();
		const welcome = await alice.next('welcome');
		expect(welcome.content.is_guest).toBe(true);
		expect(welcome.content.user_name).toMatch(/^User\d+$/);
		const aliceId = welcome.content.user_id;
		await alice.next('history');

		const bob = await tutorialClient();
		const bobId = (await bob.next('welcome')).content.user_id;
		await alice.next((e) => e.type === 'join' && e.content.user_id === bobId);

		alice.send({ type: 'set_name', name: 'Alice' });
		expect((await alice.next('name_changed')).content.new_name).toBe('Alice');
		const renamed = await bob.next('user_renamed');
		expect(renamed.content).toMatchObject({ user_id: aliceId, new_name: 'Alice' });

		alice.send({ type: 'message', content: 'Hello, world' });
		const seen = await bob.next('message');
		expect(seen).toMatchObject({ from_id: aliceId, from_name: 'Alice', content: 'Hello, world' });
		expect(Number.isInteger(seen.timestamp)).toBe(true);
		await alice.next('message'); // the echo

		bob.send({ type: 'private_message', to_id: aliceId, content: 'hi Alice' });
		expect(await alice.next('private_message')).toMatchObject({
			from_id: bobId,
			content: 'hi Alice'
		});
		expect(await bob.next('private_message_sent')).toMatchObject({ to_id: aliceId });

		const users = await alice.request({ type: 'get_users' }, 'users');
		const names = users.content.map((u: { name: string }) => u.name);
		expect(names).toContain('Alice');
		const stats = await alice.request({ type: 'get_stats' }, 'stats');
		expect(stats.content.users_online).toBeGreaterThanOrEqual(2);
		expect(typeof stats.content.uptime_seconds).toBe('number');

		await bob.close();
		const leave = await alice.next('leave');
		expect(leave).toMatchObject({ from_id: 0, content: { user_id: bobId } });
		await alice.close();
	});
});
