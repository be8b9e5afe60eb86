import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, login, register, upgradeStatus, userClient } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(() => server?.dispose());

describe('accounts over HTTP', () => {
	it('registers the first account as admin and the second as a user', async () => {
		const a = await register(server, 'founder');
		expect(a.user).toEqual({ id: a.user.id, username: 'founder', name: 'founder', is_admin: true });
		const b = await register(server, 'member');
		expect(b.user.is_admin).toBe(false);
	});

	it('sets an HttpOnly SameSite=Lax session cookie', async () => {
		const res = await fetch(`${server.url}/api/auth/register`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username: 'cookiecheck', password: 'password123' })
		});
		const cookie = res.headers.getSetCookie().join(';');
		expect(cookie).toMatch(/HttpOnly/i);
		expect(cookie).toMatch(/SameSite=Lax/i);
		expect(cookie).not.toMatch(/Secure/i);
	});

	it('rejects invalid input with 400, a taken name (any case) with 409', async () => {
		const post = (body: unknown) =>
			fetch(`${server.url}/api/auth/register`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
		const bad = await post({ username: 'x', password: 'password123' });
		expect(bad.status).toBe(400);
		expect((await bad.json()).error.code).toBe('invalid_input');
		expect((await post({ username: 'okname', password: 'short' })).status).toBe(400);
		expect((await post({ username: 'FOUNDER', password: 'password123' })).status).toBe(409);
	});

	it('logs in, answers /api/me, logs out', async () => {
		const { res, cookie } = await login(server, 'member');
		expect(res.status).toBe(200);
		expect((await res.json()).user.username).toBe('member');
		const me = await fetch(`${server.url}/api/me`, { headers: { cookie } });
		expect(me.status).toBe(200);
		expect((await me.json()).user.username).toBe('member');
		const out = await fetch(`${server.url}/api/auth/logout`, {
			method: 'POST',
			headers: { cookie }
		});
		expect(out.status).toBe(204);
		expect((await fetch(`${server.url}/api/me`, { headers: { cookie } })).status).toBe(401);
	});

	it('answers a wrong password with 401', async () => {
		expect((await login(server, 'member', 'wrong-password')).res.status).toBe(401);
		expect((await login(server, 'nobody-here', 'wrong-password')).res.status).toBe(401);
	});

	it('serves /healthz', async () => {
		const res = await fetch(`${server.url}/healthz`);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ status: 'ok' });
	});
});

describe('WebSocket gateway', () => {
	it('authenticates with the session cookie and runs the connection sequence', async () => {
		const { user, client } = await userClient(server, 'wsuser');
		const welcome = client.events[0];
		expect(welcome.type).toBe('welcome');
		expect(welcome.content).toMatchObject({
			user_id: user.id,
			user_name: 'wsuser',
			is_admin: false,
			is_guest: false
		});
		expect(welcome.content.rooms.map((r: { name: string }) => r.name)).toContain('general');
		expect(client.events[1].type).toBe('users');
		expect(client.events[2]).toMatchObject({ type: 'history', content: { room: 'general' } });
		await client.close();
	});

	it('ignores a session cookie sent from a foreign Origin', async () => {
		const { cookie } = await register(server, 'victim');
		const client = await connect(server, {
			cookie,
			origin: 'http://evil.example',
			waitWelcome: false
		});
		client.send({ type: 'get_users' });
		const err = await client.next('error');
		expect(err.content.code).toBe('unauthorized');
		expect(client.all('welcome')).toHaveLength(0);
		await client.close();
	});

	it('refuses upgrades on other paths with 404', async () => {
		expect(await upgradeStatus(server, '/nope')).toBe(404);
	});

	it('echoes a message to the sender and broadcasts it to the room', async () => {
		const a = await userClient(server, 'sender1');
		const b = await userClient(server, 'reader1');
		a.client.send({ type: 'message', content: 'hello there', client_id: 'abc-1' });
		const echo = await a.client.next((e) => e.type === 'message' && e.content === 'hello there');
		expect(echo).toMatchObject({
			room: 'general',
			from_id: a.user.id,
			from_name: 'sender1',
			client_id: 'abc-1'
		});
		expect(echo.id).toBeGreaterThan(0);
		const seen = await b.client.next((e) => e.type === 'message' && e.content === 'hello there');
		expect(seen.id).toBe(echo.id);
		await a.client.close();
		await b.client.close();
	});
});

describe('persistence', () => {
	it('keeps an acknowledged message across a restart', async () => {
		const own = await startServer();
		try {
			const { cookie, client } = await userClient(own, 'keeper');
			client.send({ type: 'message', content: 'survive me' });
			const echo = await client.next('message');
			const restarted = await own.restart(true);
			const again = await connect(restarted, { cookie });
			const history = again.events.find((e) => e.type === 'history')!;
			expect(history.content.messages.map((m: { id: number }) => m.id)).toContain(echo.id);
			await again.close();
			await restarted.dispose();
		} finally {
			await own.stop();
		}
	});
});
