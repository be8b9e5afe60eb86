import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '$lib/server/auth/service';
import { loadConfig } from '$lib/server/config';
import { openDatabase, type Db } from '$lib/server/db/client';
import { ModerationService, type ModerationDeps } from '$lib/server/moderation/service';
import { Hub } from '$lib/server/realtime/hub';
import { LocalBus } from '$lib/server/realtime/bus';

/**
 * Mute expiry by the injected clock, against a real SQLite file: minutes and days pass
 * without waiting, and a second service over the same file plays the restarted server.
 */

let dir: string;
let db: Db;
let deps: ModerationDeps;
let admin: { id: number; name: string; isGuest: boolean };
let userId: number;
let clockMs = Date.UTC(2030, 0, 1);
const clock = () => clockMs;
const services: ModerationService[] = [];

function service() {
	const s = new ModerationService(db.$client, deps, clock);
	services.push(s);
	return s;
}

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'moderation-unit-'));
	const file = join(dir, 'chat.db');
	const config = loadConfig({ DATABASE_URL: file });
	db = openDatabase(file);
	const auth = new AuthService(db, config);
	deps = { auth, presence: new Hub(), bus: new LocalBus() };
	// The first account on the empty database becomes the admin.
	const boss = await auth.createUser({ username: 'boss', password: 'password123' }, 'open');
	admin = { id: boss.id, name: boss.name, isGuest: false };
	userId = (await auth.createUser({ username: 'chatty', password: 'password123' })).id;
});

afterAll(() => {
	for (const s of services) s.dispose();
	db?.$client.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('mute expiry with an injected clock', () => {
	it('holds for the whole duration, says how long is left, then ends', () => {
		const moderation = service();
		const until = moderation.mute(admin, userId, 3600, 'flood');
		expect(until).toBe(clockMs / 1000 + 3600);
		expect(() => moderation.assertCanSend(userId)).toThrow(/muted for 1 hour .*: flood/);

		clockMs += 3599_000;
		expect(moderation.isMuted(userId)).toBe(true);
		expect(() => moderation.assertCanSend(userId)).toThrow(/muted for 1 second more/);

		clockMs += 1000;
		expect(moderation.isMuted(userId)).toBe(false);
		expect(() => moderation.assertCanSend(userId)).not.toThrow();
	});

	it('survives a restart, and a mute that ran out meanwhile is gone', () => {
		const until = service().mute(admin, userId, 30 * 24 * 3600, 'month off');
		clockMs += 29 * 24 * 3600_000;
		const restarted = service();
		expect(restarted.muteOf(userId)).toEqual({ until, reason: 'month off' });

		clockMs += 2 * 24 * 3600_000;
		service();
		const rows = db.$client.prepare('SELECT COUNT(*) FROM mutes').pluck().get();
		expect(rows).toBe(0);
	});

	it('writes each action to the audit log with the clock’s time', () => {
		const moderation = service();
		moderation.mute(admin, userId, 60);
		moderation.unmute(admin, userId, 'served');
		const [unmute, mute] = moderation.auditLog({ limit: 2 });
		expect(unmute).toMatchObject({
			action: 'unmute',
			reason: 'served',
			created_at: clockMs / 1000
		});
		expect(mute).toMatchObject({ action: 'mute', until: clockMs / 1000 + 60 });
	});
});
