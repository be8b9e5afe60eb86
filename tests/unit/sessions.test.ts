import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../src/lib/server/storage/sqlite';
import {
	generateSessionToken,
	readCookie,
	sessionIdFromToken,
	SessionStore
} from '../../src/lib/server/auth/sessions';

const DAY = 24 * 60 * 60;

async function setup(days = 30) {
	const storage = await openSqliteStorage(':memory:');
	const user = storage.sqlite
		.prepare(
			"INSERT INTO users (username, name, password_hash, role) VALUES ('alice', 'alice', 'x', 'user') RETURNING id"
		)
		.get() as { id: number };
	let now = 1_700_000_000;
	const store = new SessionStore(storage.sessions, days, () => now);
	return { db: storage.sqlite, user, store, advance: (s: number) => (now += s), now: () => now };
}

describe('session tokens', () => {
	it('are random, lowercase base32, 32 characters (160 bits)', () => {
		const a = generateSessionToken();
		expect(a).toMatch(/^[a-z2-7]{32}$/);
		expect(generateSessionToken()).not.toBe(a);
	});

	it('are stored only as their SHA-256, hex', async () => {
		const token = generateSessionToken();
		const want = createHash('sha256').update(token).digest('hex');
		expect(sessionIdFromToken(token)).toBe(want);
		const { db, user, store } = await setup();
		const session = await store.create(token, user.id);
		expect(session.id).toBe(want);
		const rows = db.prepare('SELECT id FROM sessions').all() as { id: string }[];
		expect(rows).toEqual([{ id: want }]);
		expect(JSON.stringify(rows)).not.toContain(token);
	});
});

describe('SessionStore', () => {
	it('validates a token to its session and user', async () => {
		const { user, store, now } = await setup();
		const token = generateSessionToken();
		await store.create(token, user.id);
		const found = (await store.validate(token))!;
		expect(found.user).toMatchObject({ id: user.id, username: 'alice', isAdmin: false });
		expect(found.session.expiresAt).toBe(now() + 30 * DAY);
		expect(await store.validate(generateSessionToken())).toBeNull();
		expect(await store.validate('')).toBeNull();
		expect(await store.validate('x'.repeat(65))).toBeNull();
	});

	it('slides the expiry once past half its life, not before', async () => {
		const { user, store, advance, now } = await setup(30);
		const token = generateSessionToken();
		const created = await store.create(token, user.id);
		advance(10 * DAY);
		expect((await store.validate(token))!.session.expiresAt).toBe(created.expiresAt);
		advance(6 * DAY); // 16 days in: less than 15 left
		const slid = (await store.validate(token))!.session.expiresAt;
		expect(slid).toBe(now() + 30 * DAY);
		// The new expiry is stored, not just returned.
		advance(29 * DAY);
		expect(await store.exists(sessionIdFromToken(token))).toBe(true);
	});

	it('stamps the last sight (and its address) at most once a minute', async () => {
		const { user, store, advance, now } = await setup();
		const token = generateSessionToken();
		const start = now();
		await store.create(token, user.id, { userAgent: 'curl/8', address: '10.0.0.1' });
		const seen = async () => (await store.listOf(user.id))[0];
		advance(30);
		await store.validate(token, '10.0.0.2');
		expect(await seen()).toMatchObject({ lastSeenAt: start, address: '10.0.0.1' });
		advance(30);
		await store.validate(token, '10.0.0.2');
		expect(await seen()).toMatchObject({
			lastSeenAt: start + 60,
			address: '10.0.0.2',
			createdAt: start,
			userAgent: 'curl/8'
		});
		// Without an address (the file routes) the last one stays.
		advance(60);
		await store.validate(token);
		expect(await seen()).toMatchObject({ lastSeenAt: start + 120, address: '10.0.0.2' });
	});

	it('expires a session at its end and deletes it', async () => {
		const { db, user, store, advance } = await setup(1);
		const token = generateSessionToken();
		const session = await store.create(token, user.id);
		advance(DAY);
		expect(await store.exists(session.id)).toBe(false);
		expect(await store.validate(token)).toBeNull();
		expect(db.prepare('SELECT COUNT(*) FROM sessions').pluck().get()).toBe(0);
	});

	it('invalidates one session or all of a user', async () => {
		const { user, store } = await setup();
		const [a, b] = [generateSessionToken(), generateSessionToken()];
		const sa = await store.create(a, user.id);
		const sb = await store.create(b, user.id);
		await store.invalidate(sa.id);
		expect(await store.exists(sa.id)).toBe(false);
		expect(await store.exists(sb.id)).toBe(true);
		await store.invalidateAllForUser(user.id);
		expect(await store.validate(b)).toBeNull();
	});
});

describe('readCookie', () => {
	it('finds one cookie in a raw header', () => {
		expect(readCookie('a=1; session=abc; b=2', 'session')).toBe('abc');
		expect(readCookie('xsession=abc', 'session')).toBeUndefined();
		expect(readCookie(undefined, 'session')).toBeUndefined();
		expect(readCookie('session=%E0%A4%A', 'session')).toBeUndefined();
	});
});
