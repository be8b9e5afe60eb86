import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, login, register, TestClient, upgradeStatus, userClient } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

async function metric(server: TestServer, sample: string): Promise<number> {
	const text = await (await fetch(`${server.url}/metrics`)).text();
	const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
	return line ? Number(line.split(' ')[1]) : 0;
}

/** Two users who check, after each assault, that chatting still works. */
async function chatPair(server: TestServer, prefix: string) {
	const a = await userClient(server, `${prefix}a`);
	const b = await userClient(server, `${prefix}b`);
	let n = 0;
	return {
		async check() {
			const content = `${prefix} still chatting ${++n}`;
			a.client.send({ type: 'message', content });
			await b.client.next((e) => e.content === content);
		},
		async close() {
			await a.client.close();
			await b.client.close();
		}
	};
}

describe('half-open connections', () => {
	let server: TestServer;
	beforeAll(async () => {
		// Short enough for a quick test, long enough that the healthy pair's pongs come back in
		// time while the whole suite shares two cores (at 150 ms one of them was cut off once).
		server = await startServer({ HEARTBEAT_MS: '600' });
	});
	afterAll(() => server?.dispose());

	it('terminates a socket that stops answering pings; healthy ones stay', async () => {
		const { cookie } = await register(server, 'ghost');
		const pair = await chatPair(server, 'hb');
		const ghost = new TestClient(
			new WebSocket(server.wsUrl, { headers: { cookie, origin: server.url }, autoPong: false })
		);
		let pings = 0;
		ghost.ws.on('ping', () => pings++);
		await ghost.next('history');
		// Terminated (no close frame: 1006) after one unanswered ping.
		expect(await ghost.closed).toBe(1006);
		expect(pings).toBeGreaterThanOrEqual(1);
		expect(await metric(server, 'chat_disconnects_total{reason="heartbeat"}')).toBe(1);
		await pair.check(); // the pair lived through the same heartbeats
		await pair.close();
	});
});

describe('limits and abuse', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({
			MAX_CONNECTIONS: '12',
			LOGIN_MAX_FAILURES: '3'
		});
	});
	afterAll(() => server?.dispose());

	it('refuses a connection flood past MAX_CONNECTIONS with 503 while users keep chatting', async () => {
		const pair = await chatPair(server, 'flood');
		const flood: WebSocket[] = [];
		const statuses: number[] = [];
		for (let i = 0; i < 20; i++) {
			const ws = new WebSocket(server.wsUrl);
			statuses.push(
				await new Promise<number>((resolve) => {
					ws.once('open', () => resolve(101));
					ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
					ws.once('error', () => {});
				})
			);
			flood.push(ws);
			if (i % 5 === 4) await pair.check();
		}
		expect(statuses.filter((s) => s === 101)).toHaveLength(10); // 12 minus the pair
		expect(statuses.slice(10)).toEqual(Array(10).fill(503));
		expect(await metric(server, 'chat_refusals_total{reason="server_full"}')).toBe(10);
		await pair.check();

		// Room again once the flood goes away.
		await Promise.all(
			flood.map((ws) => new Promise((resolve) => (ws.once('close', resolve), ws.close())))
		);
		expect(await upgradeStatus(server)).toBe(101);
		await pair.close();
	});

	it('throttles login brute force with 429, whatever X-Forwarded-For says', async () => {
		await register(server, 'target');
		for (let i = 0; i < 3; i++) {
			expect((await login(server, 'target', `guess-${i}-password`)).res.status).toBe(401);
		}
		const spoofed = await fetch(`${server.url}/api/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7' },
			body: JSON.stringify({ username: 'target', password: 'password123' })
		});
		expect(spoofed.status).toBe(429); // the right password too, until the window passes
		expect(Number(spoofed.headers.get('retry-after'))).toBeGreaterThan(0);
		expect((await spoofed.json()).error.code).toBe('throttled');

		// The socket's `auth` message shares the counter.
		const cli = await connect(server, { waitWelcome: false, origin: null });
		cli.send({ type: 'auth', username: 'target', password: 'password123' });
		expect((await cli.next('auth_failed')).content.code).toBe('throttled');
		expect(await cli.closed).toBe(1008);
	});
});

describe('cross-site WebSocket hijacking', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({ GUESTS: '1', ALLOWED_ORIGINS: 'http://allowed.example' });
	});
	afterAll(() => server?.dispose());

	it('never gives a cross-origin upgrade the identity of its cookie', async () => {
		const { user, cookie } = await register(server, 'hijackme');
		const evil = await connect(server, { cookie, origin: 'http://evil.example' });
		const welcome = evil.events.find((e) => e.type === 'welcome')!;
		expect(welcome.content.is_guest).toBe(true);
		expect(welcome.content.user_id).not.toBe(user.id);
		evil.send({ type: 'message', content: 'who am I?' });
		expect((await evil.next('message')).from_id).not.toBe(user.id);
		await evil.close();

		// A look-alike of the app's own origin is foreign too; a listed origin is trusted.
		const lookalike = await connect(server, {
			cookie,
			origin: `${server.url}.evil.example`
		});
		expect(lookalike.events.find((e) => e.type === 'welcome')!.content.is_guest).toBe(true);
		await lookalike.close();
		const allowed = await connect(server, { cookie, origin: 'http://allowed.example' });
		expect(allowed.events.find((e) => e.type === 'welcome')!.content.user_id).toBe(user.id);
		await allowed.close();
	});
});
