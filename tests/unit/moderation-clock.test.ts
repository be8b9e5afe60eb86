import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '$lib/server/auth/service';
import { loadConfig } from '$lib/server/config';
import { ModerationService, type ModerationDeps } from '$lib/server/moderation/service';
import { Hub } from '$lib/server/realtime/hub';
import { LocalOnline } from '$lib/server/realtime/online';
import { LocalBus } from '$lib/server/realtime/bus';
import { openSqliteStorage, type SqliteStorage } from '$lib/server/storage/sqlite';

/**
 * Mute expiry by the injected clock, against a real SQLite file: minutes and days pass
 * without waiting, and a second service over the same file plays the restarted server.
 */

let dir: string;
let storage: SqliteStorage;
let deps: ModerationDeps;
let admin: { id: number; name: string; isGuest: boolean };
let userId: number;
let clockMs = Date.UTC(2030, 0, 1);
const clock = () => clockMs;
const services: ModerationService[] = [];

/** A service over the same storage, loaded as at start-up (a restarted server). */
async function service() {
	const s = new ModerationService(storage, deps, clock);
	services.push(s);
	await s.init();
	return s;
}

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'moderation-unit-'));
	const file = join(dir, 'chat.db');
	const config = loadConfig({ DATABASE_URL: file });
	storage = await openSqliteStorage(file);
	const auth = new AuthService(storage.users, storage.sessions, config);
	deps = { auth, presence: new LocalOnline(new Hub()), bus: new LocalBus() };
	// The first account on the empty database becomes the admin.
	const boss = await auth.createUser({ username: 'boss', password: 'password123' }, 'open');
	admin = { id: boss.id, name: boss.name, isGuest: false };
	userId = (await auth.createUser({ username: 'chatty', password: 'password123' })).id;
});

afterAll(async () => {
	for (const s of services) s.dispose();
	await storage?.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('mute expiry with an injected clock', () => {
	it('holds for the whole duration, says how long is left, then ends', async () => {
		const moderation = await service();
		const until = await moderation.mute(admin, userId, 3600, 'flood');
		expect(until).toBe(clockMs / 1000 + 3600);
		expect(() => moderation.assertCanSend(userId)).toThrow(/muted for 1 hour .*: flood/);

		clockMs += 3599_000;
		expect(moderation.isMuted(userId)).toBe(true);
		expect(() => moderation.assertCanSend(userId)).toThrow(/muted for 1 second more/);

		clockMs += 1000;
		expect(moderation.isMuted(userId)).toBe(false);
		expect(() => moderation.assertCanSend(userId)).not.toThrow();
	});

	it('survives a restart, and a mute that ran out meanwhile is gone', async () => {
		const until = await (await service()).mute(admin, userId, 30 * 24 * 3600, 'month off');
		clockMs += 29 * 24 * 3600_000;
		const restarted = await service();
		expect(restarted.muteOf(userId)).toEqual({ until, reason: 'month off' });

		clockMs += 2 * 24 * 3600_000;
		await service();
		const rows = storage.sqlite.prepare('SELECT COUNT(*) FROM mutes').pluck().get();
		expect(rows).toBe(0);
	});

	it('writes each action to the audit log with the clock’s time', async () => {
		const moderation = await service();
		await moderation.mute(admin, userId, 60);
		await moderation.unmute(admin, userId, 'served');
		const [unmute, mute] = await moderation.auditLog({ limit: 2 });
		expect(unmute).toMatchObject({
			action: 'unmute',
			reason: 'served',
			created_at: clockMs / 1000
		});
		expect(mute).toMatchObject({ action: 'mute', until: clockMs / 1000 + 60 });
	});
});
