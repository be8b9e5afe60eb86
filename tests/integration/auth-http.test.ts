import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, register } from '../helpers/client';
import { postJson } from '../helpers/raw';
import { startServer, type TestServer } from '../helpers/server';

/** Throttling and registration rules of the HTTP API (PROTOCOL.md §8 settings, §9). */

let logins: TestServer;
let signups: TestServer;
let closed: TestServer;

beforeAll(async () => {
	[logins, signups, closed] = await Promise.all([
		startServer({ LOGIN_MAX_FAILURES: '3' }),
		startServer({ REGISTER_PER_HOUR: '2' }),
		startServer({ REGISTRATION: 'closed' })
	]);
});
afterAll(() => Promise.all([logins?.dispose(), signups?.dispose(), closed?.dispose()]));

describe('login throttling', () => {
	it('answers 429 with Retry-After after LOGIN_MAX_FAILURES failures for a username and address', async () => {
		await register(logins, 'hammered');
		await register(logins, 'bystander');
		for (let i = 0; i < 3; i++) {
			expect((await login(logins, 'hammered', 'wrong-password')).res.status).toBe(401);
		}
		for (const password of ['wrong-password', 'password123']) {
			const { res } = await login(logins, 'hammered', password);
			expect(res.status, password).toBe(429);
			const retry = Number(res.headers.get('retry-after'));
			expect(retry).toBeGreaterThan(0);
			expect(retry).toBeLessThanOrEqual(15 * 60);
			expect((await res.json()).error.code).toBe('throttled');
		}
		// Counted per username: another account from the same address still logs in.
		expect((await login(logins, 'bystander')).res.status).toBe(200);
		// The username is matched without case, so a different spelling does not dodge the count.
		expect((await login(logins, 'HAMMERED')).res.status).toBe(429);
	});

	it('forgets earlier failures after a successful login', async () => {
		await register(logins, 'forgetful');
		for (let i = 0; i < 2; i++) await login(logins, 'forgetful', 'wrong-password');
		expect((await login(logins, 'forgetful')).res.status).toBe(200);
		for (let i = 0; i < 2; i++) {
			expect((await login(logins, 'forgetful', 'wrong-password')).res.status).toBe(401);
		}
		expect((await login(logins, 'forgetful')).res.status).toBe(200);
	});
});

describe('registration limits', () => {
	it('answers 429 with Retry-After past REGISTER_PER_HOUR new accounts from one address', async () => {
		await register(signups, 'first1');
		await register(signups, 'second2');
		const res = await postJson(signups, '/api/auth/register', {
			username: 'third3',
			password: 'password123'
		});
		expect(res.status).toBe(429);
		expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
		expect((await res.json()).error.code).toBe('throttled');
		// Nothing was created.
		expect((await login(signups, 'third3')).res.status).toBe(401);
	});

	it('with REGISTRATION=closed lets only the first account register itself', async () => {
		const first = await register(closed, 'founder');
		expect(first.user.is_admin).toBe(true);
		const res = await postJson(closed, '/api/auth/register', {
			username: 'latecomer',
			password: 'password123'
		});
		expect(res.status).toBe(403);
		expect((await res.json()).error.code).toBe('registration_closed');
		expect((await login(closed, 'founder')).res.status).toBe(200);
	});
});
