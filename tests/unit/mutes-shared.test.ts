import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '$lib/server/auth/service';
import { loadConfig } from '$lib/server/config';
import { ModerationService } from '$lib/server/moderation/service';
import { LocalBus, type BusEvent } from '$lib/server/realtime/bus';
import { Hub } from '$lib/server/realtime/hub';
import { LocalOnline } from '$lib/server/realtime/online';
import { openSqliteStorage, type SqliteStorage } from '$lib/server/storage/sqlite';

/**
 * Mutes with several processes: two moderation services over one database are two
 * processes, and one bus joins them as the Redis bus does. Each keeps its own mute book, in
 * step through the `mute` event, healed by a re-read, and a mute's end is told once.
 */

let dir: string;
let storage: SqliteStorage;
let auth: AuthService;
let admin: { id: number; name: string; isGuest: boolean };
let userId: number;
let clockMs = Date.UTC(2030, 0, 1);
const clock = () => clockMs;
const services: ModerationService[] = [];

function processOn(bus: LocalBus) {
	const s = new ModerationService(
		storage,
		{ auth, presence: new LocalOnline(new Hub()), bus },
		clock
	);
	services.push(s);
	return s;
}

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'mutes-shared-'));
	const file = join(dir, 'chat.db');
	storage = await openSqliteStorage(file);
	auth = new AuthService(storage.users, storage.sessions, loadConfig({ DATABASE_URL: file }));
	const boss = await auth.createUser({ username: 'boss', password: 'password123' }, 'open');
	admin = { id: boss.id, name: boss.name, isGuest: false };
	userId = (await auth.createUser({ username: 'loud', password: 'password123' })).id;
});

afterAll(async () => {
	for (const s of services) s.dispose();
	await storage?.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('mutes across processes', () => {
	it('a mute or a lift on one process holds on the other', async () => {
		const bus = new LocalBus();
		const [a, b] = [processOn(bus), processOn(bus)];
		await Promise.all([a.init(), b.init()]);
		await a.mute(admin, userId, 600, 'calm down');
		expect(b.isMuted(userId)).toBe(true);
		expect(() => b.assertCanSend(userId)).toThrow(/calm down/);
		await b.unmute(admin, userId);
		expect(a.isMuted(userId)).toBe(false);
	});

	it('a process that missed the events catches up when it re-reads the table', async () => {
		const a = processOn(new LocalBus());
		const deaf = processOn(new LocalBus()); // hears nothing from `a`
		await Promise.all([a.init(), deaf.init()]);
		await a.mute(admin, userId, 600);
		expect(deaf.isMuted(userId)).toBe(false);
		await deaf.reloadMutes();
		expect(deaf.isMuted(userId)).toBe(true);
		await a.unmute(admin, userId);
		await deaf.reloadMutes();
		expect(deaf.isMuted(userId)).toBe(false);
	});

	it('when a mute runs out, the user is told once, not once per process', async () => {
		const bus = new LocalBus();
		const unmuted: BusEvent[] = [];
		bus.subscribe((e) => {
			if (e.kind === 'event' && e.event.type === 'unmuted') unmuted.push(e);
		});
		const [a, b, c] = [processOn(bus), processOn(bus), processOn(bus)];
		await Promise.all([a.init(), b.init(), c.init()]);
		await a.mute(admin, userId, 60);
		clockMs += 61_000;
		// Every process notices (a send, a typing check); each tries to delete the row.
		expect([a.isMuted(userId), b.isMuted(userId), c.isMuted(userId)]).toEqual([
			false,
			false,
			false
		]);
		// The deletions are SQLite statements: settled within this turn's microtasks.
		await new Promise((resolve) => setImmediate(resolve));
		expect(unmuted).toHaveLength(1);
		expect(unmuted[0]).toMatchObject({ to: { user: userId } });
	});
});
