import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/client';
import { users } from '../../src/lib/server/db/schema';
import {
	generateSessionToken,
	readCookie,
	sessionIdFromToken,
	SessionStore
} from '../../src/lib/server/auth/sessions';

const DAY = 24 * 60 * 60;

function setup(days = 30) {
	const db = openDatabase(':memory:');
	const user = db
		.insert(users)
		.values({ username: 'alice', name: 'alice', passwordHash: 'x', role: 'user' })
		.returning()
		.get();
	let now = 1_700_000_000;
	const store = new SessionStore(db, days, () => now);
	return { db, user, store, advance: (s: number) => (now += s), now: () => now };
}

describe('session tokens', () => {
	it('are random, lowercase base32, 32 characters (160 bits)', () => {
		const a = generateSessionToken();
		expect(a).toMatch(/^[a-z2-7]{32}$/);
		expect(generateSessionToken()).not.toBe(a);
	});

	it('are stored only as their SHA-256, hex', () => {
		const token = generateSessionToken();
		const want = createHash('sha256').update(token).digest('hex');
		expect(sessionIdFromToken(token)).toBe(want);
		const { db, user, store } = setup();
		const session = store.create(token, user.id);
		expect(session.id).toBe(want);
		const rows = db.$client.prepare('SELECT id FROM sessions').all() as { id: string }[];
		expect(rows).toEqual([{ id: want }]);
		expect(JSON.stringify(rows)).not.toContain(token);
	});
});

describe('SessionStore', () => {
	it('validates a token to its session and user', () => {
		const { user, store, now } = setup();
		const token = generateSessionToken();
		store.create(token, user.id);
		const found = store.validate(token)!;
		expect(found.user).toMatchObject({ id: user.id, username: 'alice', isAdmin: false });
		expect(found.session.expiresAt).toBe(now() + 30 * DAY);
		expect(store.validate(generateSessionToken())).toBeNull();
		expect(store.validate('')).toBeNull();
		expect(store.validate('x'.repeat(65))).toBeNull();
	});

	it('slides the expiry once past half its life, not before', () => {
		const { user, store, advance, now } = setup(30);
		const token = generateSessionToken();
		const created = store.create(token, user.id);
		advance(10 * DAY);
		expect(store.validate(token)!.session.expiresAt).toBe(created.expiresAt);
		advance(6 * DAY); // 16 days in: less than 15 left
		const slid = store.validate(token)!.session.expiresAt;
		expect(slid).toBe(now() + 30 * DAY);
		// The new expiry is stored, not just returned.
		advance(29 * DAY);
		expect(store.exists(sessionIdFromToken(token))).toBe(true);
	});

	it('expires a session at its end and deletes it', () => {
		const { db, user, store, advance } = setup(1);
		const token = generateSessionToken();
		const session = store.create(token, user.id);
		advance(DAY);
		expect(store.exists(session.id)).toBe(false);
		expect(store.validate(token)).toBeNull();
		expect(db.$client.prepare('SELECT COUNT(*) FROM sessions').pluck().get()).toBe(0);
	});

	it('invalidates one session or all of a user', () => {
		const { user, store } = setup();
		const [a, b] = [generateSessionToken(), generateSessionToken()];
		const sa = store.create(a, user.id);
		const sb = store.create(b, user.id);
		store.invalidate(sa.id);
		expect(store.exists(sa.id)).toBe(false);
		expect(store.exists(sb.id)).toBe(true);
		store.invalidateAllForUser(user.id);
		expect(store.validate(b)).toBeNull();
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
