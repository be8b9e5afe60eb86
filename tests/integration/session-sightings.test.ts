import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSessionToken, SessionStore } from '$lib/server/auth/sessions';
import type { Storage } from '$lib/server/storage';
import { openPostgresStorage } from '$lib/server/storage/postgres';
import { openSqliteStorage } from '$lib/server/storage/sqlite';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/pg';

/**
 * Last sights of sessions are written in batches (auth/sessions.ts): a restart storm validates
 * thousands of sessions a second. On the backend the project runs (SQLite or PostgreSQL): the
 * batch lands, each session with its own time and address, and a missing address keeps the
 * stored one.
 */
let storage: Storage;
let cleanup: () => Promise<void>;

beforeAll(async () => {
	if (onPostgres()) {
		const db: TestDatabase = await createTestDatabase();
		storage = await openPostgresStorage(db.url, { poolSize: 2 });
		cleanup = async () => {
			await storage.close();
			await db.drop();
		};
	} else {
		const dir = mkdtempSync(join(tmpdir(), 'sightings-'));
		storage = await openSqliteStorage(join(dir, 'chat.db'));
		cleanup = async () => {
			await storage.close();
			rmSync(dir, { recursive: true, force: true });
		};
	}
});

afterAll(() => cleanup?.());

describe('session sightings', () => {
	it('are written together, each with its own time and address', async () => {
		const user = await storage.users.insert(
			{
				username: 'sighted',
				name: 'sighted',
				passwordHash: 'x',
				usernameSkeleton: 'slghted',
				nameSkeleton: 'slghted'
			},
			'open'
		);
		if (!user.ok) throw new Error('no account');
		let now = 1_700_000_000;
		const store = new SessionStore(storage.sessions, 30, () => now);
		const tokens = [generateSessionToken(), generateSessionToken(), generateSessionToken()];
		for (const [i, token] of tokens.entries())
			await store.create(token, user.id, { userAgent: `agent ${i}`, address: '10.0.0.1' });
		now += 90;
		await store.validate(tokens[0], '10.0.0.2');
		await store.validate(tokens[1]);
		now += 5;
		await store.validate(tokens[2], '10.0.0.3');
		const byAgent = new Map((await store.listOf(user.id)).map((s) => [s.userAgent, s]));
		expect(byAgent.get('agent 0')).toMatchObject({ lastSeenAt: now - 5, address: '10.0.0.2' });
		expect(byAgent.get('agent 1')).toMatchObject({ lastSeenAt: now - 5, address: '10.0.0.1' });
		expect(byAgent.get('agent 2')).toMatchObject({ lastSeenAt: now, address: '10.0.0.3' });
	});
});
