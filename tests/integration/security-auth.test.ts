import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, login, register } from '../helpers/client';
import { countDb } from '../helpers/db';
import { postJson } from '../helpers/raw';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Issue 10, items 1, 9 and 10: throttles that hold when the requests come at once, a bounded
 * argon2 queue, the first admin decided at insert, and "taken" counted like any attempt.
 * Every storm here is fired with Promise.all, as an attacker would.
 */

// One server per storm: the address-wide counter (4 × LOGIN_MAX_FAILURES) would otherwise
// carry one test's failures into the next. Defaults: LOGIN_MAX_FAILURES 5, REGISTER_PER_HOUR 20.
let limits: TestServer;
let forms: TestServer;
let sockets: TestServer;
let enumeration: TestServer;
let busy: TestServer;

beforeAll(async () => {
	// One after another: five servers building their databases at once on a loaded 2-core
	// machine could miss the health deadline.
	limits = await startServer({ REGISTER_PER_HOUR: '20' });
	forms = await startServer();
	// 12 sockets log in at once from one address: lift the cap on logins in progress per
	// address (it has its own test) so the throttle is what answers.
	sockets = await startServer({ MAX_PENDING_AUTH_PER_ADDRESS: '100' });
	enumeration = await startServer({ REGISTER_PER_HOUR: '3' });
	busy = await startServer({
		ARGON2_CONCURRENCY: '1',
		ARGON2_MAX_QUEUE: '2',
		LOGIN_MAX_FAILURES: '3'
	});
});
afterAll(() => Promise.all([limits, forms, sockets, enumeration, busy].map((s) => s?.dispose())));

const times = <T>(n: number, f: (i: number) => Promise<T>) =>
	Promise.all(Array.from({ length: n }, (_, i) => f(i)));

function tally(statuses: (number | string)[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
	return out;
}

function countRows(server: TestServer, sql: string): Promise<number> {
	return countDb(server, sql);
}

describe('login throttle under concurrency', () => {
	it('40 wrong passwords at once for one user: at most 5 are checked, the rest get 429', async () => {
		await register(limits, 'target1');
		const answers = await times(40, () => login(limits, 'target1', 'wrong-password'));
		const statuses = answers.map((a) => a.res.status);
		const counts = tally(statuses);
		expect(counts[401] ?? 0).toBeLessThanOrEqual(5);
		expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(40);
		for (const { res } of answers.filter((a) => a.res.status === 429)) {
			expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
			expect((await res.json()).error.code).toBe('throttled');
		}
		// The right password is throttled too now (the limit is per username and address).
		expect((await login(limits, 'target1')).res.status).toBe(429);
	});

	it('the /login form action shares the limit', async () => {
		await register(forms, 'target2');
		const statuses = await times(20, () =>
			fetch(`${forms.url}/login`, {
				method: 'POST',
				headers: {
					accept: 'text/html', // as a browser without JavaScript: the page, with the status
					'content-type': 'application/x-www-form-urlencoded',
					origin: forms.url
				},
				body: new URLSearchParams({ username: 'target2', password: 'wrong-password' }),
				redirect: 'manual'
			}).then((r) => r.status)
		);
		const counts = tally(statuses);
		expect(counts[401] ?? 0).toBeLessThanOrEqual(5);
		expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(20);
		expect((await login(forms, 'target2')).res.status).toBe(429);
	});

	it('the WebSocket auth message shares the limit', async () => {
		await register(sockets, 'target3');
		const clients = await times(12, () => connect(sockets, { origin: null, waitWelcome: false }));
		for (const s of clients) s.send({ type: 'auth', username: 'target3', password: 'wrong-pass' });
		const codes = await Promise.all(
			clients.map(async (s) => (await s.next('auth_failed')).content.code as string)
		);
		const counts = tally(codes);
		expect(counts.wrong_credentials ?? 0).toBeLessThanOrEqual(5);
		expect((counts.wrong_credentials ?? 0) + (counts.throttled ?? 0)).toBe(12);
		expect((await login(sockets, 'target3')).res.status).toBe(429);
		await Promise.all(clients.map((s) => s.closed));
	});
});

describe('registration throttle under concurrency', () => {
	it('26 registrations at once from one address with a limit of 20: at most 20 accounts', async () => {
		// Every account on this server was registered from this address within the hour.
		const before = await countRows(limits, 'SELECT COUNT(*) FROM users');
		const statuses = await times(26, (i) =>
			postJson(limits, '/api/auth/register', {
				username: `storm${i}`,
				password: 'password123'
			}).then((r) => r.status)
		);
		const counts = tally(statuses);
		expect(counts[201]).toBe(20 - before);
		expect(counts[429]).toBe(26 - (20 - before));
		expect(await countRows(limits, 'SELECT COUNT(*) FROM users')).toBe(20);
	});

	it('counts "taken" answers too, so usernames cannot be probed without limit', async () => {
		await register(enumeration, 'existing');
		const probe = (username: string) =>
			postJson(enumeration, '/api/auth/register', { username, password: 'password123' });
		expect((await probe('existing')).status).toBe(409);
		expect((await probe('EXISTING')).status).toBe(409);
		// Three attempts used up REGISTER_PER_HOUR=3: the next answer says nothing about the name.
		for (const name of ['existing', 'fresh-name']) {
			const res = await probe(name);
			expect(res.status, name).toBe(429);
			expect((await res.json()).error.code).toBe('throttled');
		}
	});
});

describe('argon2 queue', () => {
	it('refuses past the queue with 429 rate_limited at once, and does not count those attempts', async () => {
		// LOGIN_MAX_FAILURES=3: the address may fail 12 times in 15 minutes, across usernames.
		const answers = await times(12, (i) => login(busy, `nobody${i}`, 'wrong-password'));
		const bodies = await Promise.all(answers.map((a) => a.res.json()));
		const codes = bodies.map((b) => b.error.code as string);
		const counts = tally(codes);
		// One verification runs and two wait; the others are turned away without hashing.
		expect(counts.rate_limited).toBeGreaterThan(0);
		expect((counts.rate_limited ?? 0) + (counts.wrong_credentials ?? 0)).toBe(12);
		for (const a of answers.filter((_, i) => codes[i] === 'rate_limited')) {
			expect(a.res.status).toBe(429);
			expect(a.res.headers.get('retry-after')).toBe('1');
		}
		// Only the checked attempts counted against the address: exactly 12 - checked remain.
		const left = 12 - (counts.wrong_credentials ?? 0);
		for (let i = 0; i < left; i++) {
			expect((await login(busy, `later${i}`, 'wrong-password')).res.status).toBe(401);
		}
		expect((await login(busy, 'one-more', 'wrong-password')).res.status).toBe(429);
	});
});

describe('first admin', () => {
	for (const registration of ['open', 'closed'] as const) {
		it(`three simultaneous registrations on an empty database make exactly one admin (${registration})`, async () => {
			const server = await startServer({ REGISTRATION: registration });
			try {
				const answers = await times(4, (i) =>
					postJson(server, '/api/auth/register', {
						username: `founder${i}`,
						password: 'password123'
					})
				);
				const bodies = await Promise.all(answers.map((r) => r.json()));
				const admins = bodies.filter((b) => b.user?.is_admin);
				expect(admins).toHaveLength(1);
				expect(await countRows(server, "SELECT COUNT(*) FROM users WHERE role = 'admin'")).toBe(1);
				if (registration === 'closed') {
					// Only the admin got in; the others were told registration is closed.
					expect(answers.map((r) => r.status).sort()).toEqual([201, 403, 403, 403]);
					expect(await countRows(server, 'SELECT COUNT(*) FROM users')).toBe(1);
				} else {
					expect(answers.every((r) => r.status === 201)).toBe(true);
				}
			} finally {
				await server.dispose();
			}
		});
	}
});
