import { connect as tcpConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register } from '../helpers/client';
import { countDb, nowSec } from '../helpers/db';
import { writeDb } from '../helpers/raw';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Issue 10, items 8 and 11 (the HTTP side): the login redirect, /metrics access, headers on
 * static files, slow-loris timeouts, the expired-session sweep, the WebSocket Origin's
 * scheme and the login page's reason codes.
 */

let server: TestServer;
let open: TestServer; // METRICS_PUBLIC=1 and an https ORIGIN (HSTS)
beforeAll(async () => {
	[server, open] = await Promise.all([
		startServer({
			HTTP_HEADERS_TIMEOUT_MS: '1000',
			HTTP_REQUEST_TIMEOUT_MS: '2000',
			HTTP_KEEPALIVE_TIMEOUT_MS: '1000',
			SESSION_SWEEP_MS: '200'
		}),
		startServer({ METRICS_PUBLIC: '1', ORIGIN: 'https://chat.example.test' })
	]);
});
afterAll(() => Promise.all([server?.dispose(), open?.dispose()]));

/** Logs in through the /login form as a browser without JavaScript, with `?next=` as given. */
function formLogin(query: string) {
	return fetch(`${server.url}/login${query}`, {
		method: 'POST',
		headers: {
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded',
			origin: server.url
		},
		body: new URLSearchParams({ username: 'redirected', password: 'password123' }),
		redirect: 'manual'
	});
}

describe('redirect after login', () => {
	beforeAll(() => register(server, 'redirected'));

	for (const next of [
		'/%5Cevil.example/x',
		'/%09/evil.example',
		'//evil',
		'https://evil',
		'javascript:alert(1)',
		'%2F%2Fevil.example',
		'/%5C%5Cevil.example'
	]) {
		it(`does not leave the app for next=${next}`, async () => {
			const res = await formLogin(`?next=${next}`);
			expect(res.status).toBe(303);
			const target = new URL(res.headers.get('location')!, server.url);
			expect(target.origin).toBe(server.url);
			expect(res.headers.get('location')).toBe('/');
		});
	}

	it('keeps a path of the app, with its query', async () => {
		const res = await formLogin(`?next=${encodeURIComponent('/admin?tab=users')}`);
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/admin?tab=users');
	});
});

describe('GET /metrics', () => {
	it('answers a client on loopback without a token', async () => {
		const res = await fetch(`${server.url}/metrics`);
		expect(res.status).toBe(200);
		expect(await res.text()).toContain('chat_connections');
	});

	it('refuses a request that came through a proxy (forwarding headers), unless METRICS_PUBLIC=1', async () => {
		for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
			const value = header === 'forwarded' ? 'for=203.0.113.9' : '203.0.113.9';
			const res = await fetch(`${server.url}/metrics`, { headers: { [header]: value } });
			expect(res.status, header).toBe(403);
			expect(await res.text()).not.toContain('chat_connections');
		}
		const opened = await fetch(`${open.url}/metrics`, {
			headers: { 'x-forwarded-for': '203.0.113.9' }
		});
		expect(opened.status).toBe(200);
	});
});

describe('security headers', () => {
	it('static files under /_app get nosniff, a CSP that allows nothing and no framing', async () => {
		for (const path of ['/_app/version.json', '/favicon.svg']) {
			const res = await fetch(`${server.url}${path}`);
			expect(res.status, path).toBe(200);
			expect(res.headers.get('x-content-type-options')).toBe('nosniff');
			expect(res.headers.get('x-frame-options')).toBe('DENY');
			expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
			expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
			expect(res.headers.get('strict-transport-security')).toBeNull();
		}
		// Pages keep their own CSP (with nonces for SvelteKit's scripts).
		const page = await fetch(`${server.url}/login`);
		expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self' 'nonce-/);
	});

	it('sends HSTS when the public origin is https', async () => {
		for (const path of ['/_app/version.json', '/healthz']) {
			const res = await fetch(`${open.url}${path}`);
			expect(res.headers.get('strict-transport-security'), path).toMatch(/max-age=\d+/);
		}
	});
});

/** Opens a raw TCP connection; resolves with it, and records when the server closes it. */
async function rawSocket(port: number) {
	const socket = await new Promise<Socket>((resolve, reject) => {
		const s = tcpConnect(port, '127.0.0.1', () => resolve(s));
		s.once('error', reject);
	});
	let received = '';
	socket.on('data', (d) => (received += d));
	const opened = Date.now();
	const closed = new Promise<number>((resolve) =>
		socket.once('close', () => resolve(Date.now() - opened))
	);
	socket.on('error', () => {});
	return { socket, closed, received: () => received };
}

describe('slow clients (slow-loris)', () => {
	it('closes a connection whose headers trickle in past HTTP_HEADERS_TIMEOUT_MS', async () => {
		const { socket, closed, received } = await rawSocket(server.port);
		socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
		const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
		const ms = await closed;
		clearInterval(drip);
		expect(ms).toBeGreaterThanOrEqual(900);
		expect(ms).toBeLessThan(4000); // Node's own default is 60 s
		expect(received()).toMatch(/^HTTP\/1\.1 408/);
	});

	it('closes a request whose body trickles in past HTTP_REQUEST_TIMEOUT_MS; open WebSockets stay', async () => {
		const { cookie } = await register(server, 'patient');
		const ws = await connect(server, { cookie });
		const { socket, closed } = await rawSocket(server.port);
		socket.write(
			'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n'
		);
		const drip = setInterval(() => socket.writable && socket.write(' '), 100);
		const ms = await closed;
		clearInterval(drip);
		expect(ms).toBeGreaterThanOrEqual(1900);
		expect(ms).toBeLessThan(5000);
		// The WebSocket, open longer than the request timeout, is untouched.
		expect((await ws.request({ type: 'ping' }, 'pong')).type).toBe('pong');
		await ws.close();
	});

	it('closes an idle keep-alive connection after HTTP_KEEPALIVE_TIMEOUT_MS', async () => {
		const { socket, closed, received } = await rawSocket(server.port);
		socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
		const ms = await closed;
		expect(received()).toMatch(/^HTTP\/1\.1 200/);
		expect(ms).toBeGreaterThanOrEqual(900);
		expect(ms).toBeLessThan(4000); // Node's own default is 5 s
	});
});

describe('expired sessions', () => {
	it('are purged by the periodic sweep, in batches; live sessions stay', async () => {
		const { cookie } = await register(server, 'sweeper');
		// 1,200 sessions that expired an hour ago (more than two batches).
		const inserted = await writeDb(
			server,
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
			 INSERT INTO sessions (id, user_id, expires_at)
			 SELECT 'expired-' || i, (SELECT id FROM users WHERE username = 'sweeper'), ? FROM n`,
			nowSec() - 3600
		);
		const count = () => countDb(server, "SELECT COUNT(*) FROM sessions WHERE id LIKE 'expired-%'");
		// The sweep may already have run by the time we could read them back, so the insert's
		// own count is what shows they were there.
		expect(inserted).toBe(1200);
		await expect.poll(count, { timeout: 5000, interval: 100 }).toBe(0);
		const me = await fetch(`${server.url}/api/me`, { headers: { cookie } });
		expect(me.status).toBe(200);
	});
});

describe('WebSocket Origin', () => {
	it('compares the scheme too: an https Origin on an http server is foreign', async () => {
		const { cookie } = await register(server, 'schemer');
		const host = `127.0.0.1:${server.port}`;
		const foreign = await connect(server, {
			cookie,
			origin: `https://${host}`,
			waitWelcome: false
		});
		// Its cookie did not count: the socket is unauthenticated.
		const reply = await foreign.request({ type: 'get_rooms' }, 'error');
		expect(reply.content.code).toBe('unauthorized');
		expect(foreign.all('welcome')).toHaveLength(0);
		await foreign.close();
		const own = await connect(server, { cookie, origin: `http://${host}` });
		expect(own.all('welcome')).toHaveLength(1);
		await own.close();
	});
});

describe('login page reason', () => {
	it('shows only its own sentence for a known code, never text from the URL', async () => {
		const lure = 'Your account is locked. Call +1 555 0100';
		const res = await fetch(`${server.url}/login?reason=${encodeURIComponent(lure)}`, {
			headers: { 'accept-language': 'en' }
		});
		const html = await res.text();
		expect(res.status).toBe(200);
		expect(html).not.toContain('Call +1 555');
		expect(html).not.toContain('role="status"'); // no notice at all
		const kicked = await fetch(`${server.url}/login?reason=kicked`, {
			headers: { 'accept-language': 'en' }
		});
		expect(await kicked.text()).toContain('You were kicked out by an admin.');
	});
});
