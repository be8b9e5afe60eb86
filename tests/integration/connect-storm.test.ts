import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register, upgradeStatus } from '../helpers/client';
import { CROWD } from '../helpers/chat';
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
