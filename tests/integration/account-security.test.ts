import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, cookieOf, register, type TestClient } from '../helpers/client';
import { postJson } from '../helpers/raw';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Account security (issue 15 item 3; docs/protocol.md "Account security"): the session list,
 * signing sessions out, changing a password, an admin's reset. Both backends.
 */

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI =
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let server: TestServer;
let admin: { cookie: string };

beforeAll(async () => {
	server = await startServer({ LOGIN_MAX_FAILURES: '50' });
	admin = await register(server, 'chief'); // the first account: admin
});
afterAll(() => server?.dispose());

interface SessionRow {
	id: string;
	device: string;
	address: string;
	created_at: number;
	last_seen_at: number;
	current: boolean;
}

async function loginAs(username: string, password = 'password123', userAgent = FIREFOX) {
	const res = await fetch(`${server.url}/api/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: server.url, 'user-agent': userAgent },
		body: JSON.stringify({ username, password })
	});
	return { res, cookie: res.ok ? cookieOf(res) : '' };
}

async function sessions(cookie: string): Promise<SessionRow[]> {
	const res = await fetch(`${server.url}/api/me/sessions`, { headers: { cookie } });
	expect(res.status).toBe(200);
	return (await res.json()).sessions;
}

async function me(cookie: string): Promise<number> {
	return (await fetch(`${server.url}/api/me`, { headers: { cookie } })).status;
}

function send(method: string, path: string, cookie: string, body?: unknown) {
	return fetch(`${server.url}${path}`, {
		method,
		headers: { cookie, origin: server.url, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
}

async function stillOpen(client: TestClient) {
	await client.request({ type: 'ping' }, 'pong');
	expect(client.closeCode).toBeNull();
}

describe('the session list', () => {
	it('shows each session with its device, address, times and which one is current', async () => {
		await register(server, 'lister');
		const laptop = await loginAs('lister', 'password123', FIREFOX);
		const phone = await loginAs('lister', 'password123', SAFARI);
		const list = await sessions(laptop.cookie);
		// The registration's own session is listed too.
		expect(list).toHaveLength(3);
		const current = list.filter((s) => s.current);
		expect(current).toHaveLength(1);
		expect(current[0].device).toBe('Firefox on Linux');
		expect(list.map((s) => s.device)).toContain('Safari on iOS');
		for (const s of list) {
			expect(s.address).toMatch(/127\.0\.0\.1/);
			expect(s.created_at).toBeGreaterThan(1_700_000_000);
			expect(s.last_seen_at).toBeGreaterThanOrEqual(s.created_at);
			// An opaque id: not the token in the cookie, nor its sha256 (64 hex characters).
			expect(s.id).toMatch(/^[0-9a-f]{24}$/);
			expect(laptop.cookie).not.toContain(s.id);
		}
		// Another account's list does not include them; the phone sees itself as current.
		const phoneList = await sessions(phone.cookie);
		expect(phoneList.find((s) => s.current)!.device).toBe('Safari on iOS');
		expect((await fetch(`${server.url}/api/me/sessions`)).status).toBe(401);
	});
});

describe('signing sessions out', () => {
	it('one session: its sockets close with 4001 and its cookie stops working; others stay', async () => {
		await register(server, 'loser');
		const laptop = await loginAs('loser');
		const lost = await loginAs('loser', 'password123', SAFARI);
		const here = await connect(server, { cookie: laptop.cookie });
		const there = await connect(server, { cookie: lost.cookie });
		const target = (await sessions(laptop.cookie)).find((s) => s.device === 'Safari on iOS')!;
		expect((await send('DELETE', `/api/me/sessions/${target.id}`, laptop.cookie)).status).toBe(204);
		expect(await there.closed).toBe(4001);
		expect(await me(lost.cookie)).toBe(401);
		await stillOpen(here);
		expect(await me(laptop.cookie)).toBe(200);
		expect((await sessions(laptop.cookie)).map((s) => s.id)).not.toContain(target.id);
		// Gone, or someone else's: 404, and nothing else ends.
		expect((await send('DELETE', `/api/me/sessions/${target.id}`, laptop.cookie)).status).toBe(404);
		const chiefs = await sessions(admin.cookie);
		expect((await send('DELETE', `/api/me/sessions/${chiefs[0].id}`, laptop.cookie)).status).toBe(
			404
		);
		expect(await me(admin.cookie)).toBe(200);
		await here.close();
	});

	it('sign out others: every other session closes with 4001, this one stays', async () => {
		const { cookie } = await register(server, 'tidy');
		const a = await loginAs('tidy');
		const b = await loginAs('tidy', 'password123', SAFARI);
		const mine = await connect(server, { cookie });
		const sockA = await connect(server, { cookie: a.cookie });
		const sockB = await connect(server, { cookie: b.cookie });
		const res = await send('POST', '/api/me/sessions/sign-out-others', cookie);
		expect(res.status).toBe(204);
		expect(await sockA.closed).toBe(4001);
		expect(await sockB.closed).toBe(4001);
		expect(await me(a.cookie)).toBe(401);
		expect(await me(b.cookie)).toBe(401);
		await stillOpen(mine);
		const list = await sessions(cookie);
		expect(list).toHaveLength(1);
		expect(list[0].current).toBe(true);
		await mine.close();
	});

	it('refuses a cross-origin write', async () => {
		const { cookie } = await register(server, 'crossed');
		const res = await fetch(`${server.url}/api/me/sessions/sign-out-others`, {
			method: 'POST',
			headers: { cookie, origin: 'https://evil.example' }
		});
		expect(res.status).toBe(403);
	});
});

describe('changing the password', () => {
	it('refuses a wrong current password and a weak new one', async () => {
		const { cookie } = await register(server, 'careful');
		const wrong = await send('POST', '/api/me/password', cookie, {
			current_password: 'not-my-password',
			new_password: 'brand-new-pass'
		});
		expect(wrong.status).toBe(400);
		expect((await wrong.json()).error).toMatchObject({
			code: 'wrong_credentials',
			field: 'current_password'
		});
		const weak = await send('POST', '/api/me/password', cookie, {
			current_password: 'password123',
			new_password: 'short'
		});
		expect(weak.status).toBe(400);
		expect((await weak.json()).error).toMatchObject({
			code: 'invalid_input',
			field: 'new_password'
		});
		expect((await loginAs('careful')).res.status).toBe(200);
	});

	it('ends the other sessions (4001) but not this one; only the new password logs in', async () => {
		const { cookie } = await register(server, 'changer');
		const other = await loginAs('changer', 'password123', SAFARI);
		const mine = await connect(server, { cookie });
		const theirs = await connect(server, { cookie: other.cookie });
		const res = await send('POST', '/api/me/password', cookie, {
			current_password: 'password123',
			new_password: 'a-new-password'
		});
		expect(res.status).toBe(204);
		expect(await theirs.closed).toBe(4001);
		expect(await me(other.cookie)).toBe(401);
		await stillOpen(mine);
		expect(await me(cookie)).toBe(200);
		expect((await loginAs('changer')).res.status).toBe(401);
		expect((await loginAs('changer', 'a-new-password')).res.status).toBe(200);
		await mine.close();
	});

	it('throttles wrong current passwords like logins', async () => {
		const tight = await startServer({ LOGIN_MAX_FAILURES: '2' });
		try {
			const { cookie } = await register(tight, 'guessed');
			const attempt = () =>
				fetch(`${tight.url}/api/me/password`, {
					method: 'POST',
					headers: { cookie, origin: tight.url, 'content-type': 'application/json' },
					body: JSON.stringify({ current_password: 'guess-guess', new_password: 'whatever-1' })
				});
			expect((await attempt()).status).toBe(400);
			expect((await attempt()).status).toBe(400);
			const third = await attempt();
			expect(third.status).toBe(429);
			expect((await third.json()).error.code).toBe('throttled');
		} finally {
			await tight.dispose();
		}
	});
});

describe("an admin's password reset", () => {
	it('is refused to non-admins (403) and to nobody (401)', async () => {
		const { user, cookie } = await register(server, 'nosy');
		const res = await send('POST', `/api/admin/users/${user.id}/reset-password`, cookie);
		expect(res.status).toBe(403);
		const anon = await fetch(`${server.url}/api/admin/users/${user.id}/reset-password`, {
			method: 'POST',
			headers: { origin: server.url }
		});
		expect(anon.status).toBe(401);
	});

	it('closes the sockets, makes the next login choose a new password, and is audited', async () => {
		const { user, cookie } = await register(server, 'forgetter');
		const sock = await connect(server, { cookie });
		const res = await send('POST', `/api/admin/users/${user.id}/reset-password`, admin.cookie);
		expect(res.status).toBe(200);
		const { temporary_password: temporary } = await res.json();
		expect(temporary).toMatch(/^[a-z2-7]{16}$/);
		expect(await sock.closed).toBe(4001);
		expect(await me(cookie)).toBe(401);

		// The old password is gone; the temporary one asks for a new password first.
		expect((await loginAs('forgetter')).res.status).toBe(401);
		const asked = await loginAs('forgetter', temporary);
		expect(asked.res.status).toBe(403);
		expect(asked.cookie).toBe('');
		expect((await asked.res.json()).error).toMatchObject({
			code: 'password_change_required',
			field: 'new_password'
		});
		// The WebSocket `auth` message is refused the same way.
		const guest = await connect(server, { waitWelcome: false });
		const authed = await guest.request(
			{ type: 'auth', username: 'forgetter', password: temporary },
			'auth_failed'
		);
		expect(authed.content.code).toBe('password_change_required');
		await guest.closed;

		const weak = await postJson(server, '/api/auth/login', {
			username: 'forgetter',
			password: temporary,
			new_password: 'short'
		});
		expect(weak.status).toBe(400);
		const chosen = await postJson(server, '/api/auth/login', {
			username: 'forgetter',
			password: temporary,
			new_password: 'my-own-password'
		});
		expect(chosen.status).toBe(200);
		expect(await me(cookieOf(chosen))).toBe(200);
		expect((await loginAs('forgetter', temporary)).res.status).toBe(401);
		expect((await loginAs('forgetter', 'my-own-password')).res.status).toBe(200);

		const audit = await fetch(`${server.url}/api/admin/audit`, {
			headers: { cookie: admin.cookie }
		});
		const entries = (await audit.json()) as { action: string; target_id: number }[];
		expect(entries.find((e) => e.action === 'reset_password')).toMatchObject({
			target_id: user.id
		});
	});
});
