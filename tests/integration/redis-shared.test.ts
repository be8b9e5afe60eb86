import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OnlineUser } from '../../src/lib/protocol/events';
import { GUEST_ID_BASE } from '../../src/lib/server/chat/guest-ids';
import type { Connection } from '../../src/lib/server/realtime/connection';
import { RedisAttempts } from '../../src/lib/server/shared/redis-attempts';
import { RedisGuestIds } from '../../src/lib/server/shared/redis-guest-ids';
import { RedisLimiter } from '../../src/lib/server/shared/redis-limiter';
import { RedisPresence } from '../../src/lib/server/shared/redis-presence';
import type { SharedRedis } from '../../src/lib/server/shared/redis-client';
import { openSqliteStorage } from '../../src/lib/server/storage/sqlite';
import { redisClients, testPrefix } from '../helpers/redis';

/*
 * The Redis implementations of the shared state, against the real Redis: two instances on
 * one prefix are two processes of one community.
 */

let clients: ReturnType<typeof redisClients>;
beforeEach(() => {
	clients = redisClients(testPrefix('impl'));
});
afterEach(() => clients.dispose());

const quiet = { warn() {}, error() {} };
let nextConn = 1;

/** A connection as presence sees it (an id, an identity, a time). */
function conn(userId: number, name = `u${userId}`): Connection {
	const isGuest = userId >= GUEST_ID_BASE;
	return {
		id: nextConn++,
		connectedAt: 1_700_000_000,
		identity: {
			id: userId,
			name,
			username: isGuest ? null : name,
			isAdmin: false,
			isGuest,
			sessionId: null
		}
	} as Connection;
}

/** One "process": its presence, the connections it holds, and what it announced. */
function processOn(redis: SharedRedis, processId: string, ttlMs = 30_000) {
	const held = new Set<Connection>();
	const offline: OnlineUser[][] = [];
	const online: OnlineUser[][] = [];
	let news: () => void = () => {};
	const presence = new RedisPresence({
		redis,
		processId,
		connections: () => held,
		news: {
			wentOffline: (users) => (offline.push(users), news()),
			cameOnline: (users) => (online.push(users), news())
		},
		log: quiet,
		ttlMs
	});
	return {
		presence,
		offline,
		online,
		/** Resolves at the next announcement (a sweep or a resync). */
		announced: () => new Promise<void>((resolve) => (news = resolve)),
		async open(c: Connection) {
			held.add(c);
			return presence.arrived(c, false);
		},
		async close(c: Connection) {
			held.delete(c);
			return presence.departed(c, false);
		}
	};
}

describe('shared presence (two processes)', () => {
	it('counts users once, and join/leave only on the first/last connection anywhere', async () => {
		const a = processOn(clients.open(), 'pa');
		const b = processOn(clients.open(), 'pb');
		await Promise.all([a.presence.start(), b.presence.start()]);

		const [a1, b1, b2] = [conn(1, 'alice'), conn(1, 'alice'), conn(2, 'bob')];
		// Each arrival says whether it is the user's first anywhere, and the counts right after it.
		expect(await a.open(a1)).toEqual({ first: true, usersOnline: 1, guestsOnline: 0 });
		expect(await b.open(b1)).toEqual({ first: false, usersOnline: 1, guestsOnline: 0 });
		expect(await b.open(b2)).toEqual({ first: true, usersOnline: 2, guestsOnline: 0 });
		const guest = conn(GUEST_ID_BASE + 7, 'User8');
		expect(await a.open(guest)).toEqual({ first: true, usersOnline: 3, guestsOnline: 1 });

		expect(await a.presence.usersOnline()).toBe(3);
		expect(await b.presence.guestsOnline()).toBe(1);
		const users = (await b.presence.onlineUsers()).sort((x, y) => x.id - y.id);
		expect(users.map((u) => [u.id, u.name, u.is_guest])).toEqual([
			[1, 'alice', false],
			[2, 'bob', false],
			[GUEST_ID_BASE + 7, 'User8', true]
		]);
		expect(await a.presence.connectionCounts()).toEqual(
			new Map([
				[1, 2],
				[2, 1],
				[GUEST_ID_BASE + 7, 1]
			])
		);

		expect(await a.close(a1)).toBe(false); // alice is still on b
		expect(await b.close(b1)).toBe(true);
		expect(await a.close(guest)).toBe(true);
		expect(await a.presence.usersOnline()).toBe(1);
		expect(await a.presence.guestsOnline()).toBe(0);
		expect(await a.presence.user(1)).toBeUndefined();
		expect((await a.presence.user(2))?.name).toBe('bob');

		await a.presence.changed(2, { name: 'robert', isAdmin: true });
		expect(await b.presence.user(2)).toMatchObject({ name: 'robert', is_admin: true });
		await Promise.all([a.presence.stop(), b.presence.stop()]);
	});

	it('changes of one turn reach Redis in their order, renames after the arrival', async () => {
		// A process's arrivals and departures of a turn go as one script call: a socket that
		// opens and closes within the turn must not be left online, and a rename made in the
		// same turn as the arrival must find the user listed.
		const a = processOn(clients.open(), 'pa');
		await a.presence.start();
		const brief = conn(6, 'brief');
		const [arrival, last] = await Promise.all([a.open(brief), a.close(brief)]);
		// The counts are those after the turn's changes: the socket has already gone again.
		expect(arrival).toMatchObject({ first: true, usersOnline: 0 });
		expect(last).toBe(true);
		expect(await a.presence.usersOnline()).toBe(0);

		const renamed = conn(7, 'before');
		const opened = a.open(renamed);
		await a.presence.changed(7, { name: 'after' });
		await opened;
		expect(await a.presence.user(7)).toMatchObject({ name: 'after' });
		await a.presence.stop();
	});

	it('under concurrency across processes: exactly one first and one last per user', async () => {
		const a = processOn(clients.open(), 'pa');
		const b = processOn(clients.open(), 'pb');
		await Promise.all([a.presence.start(), b.presence.start()]);
		const conns = Array.from({ length: 40 }, () => conn(5));
		const firsts = await Promise.all(conns.map((c, i) => (i % 2 ? a : b).open(c)));
		expect(firsts.filter((arrival) => arrival.first)).toHaveLength(1);
		expect(await a.presence.usersOnline()).toBe(1);
		const lasts = await Promise.all(conns.map((c, i) => (i % 2 ? a : b).close(c)));
		expect(lasts.filter(Boolean)).toHaveLength(1);
		expect(await b.presence.usersOnline()).toBe(0);
		await Promise.all([a.presence.stop(), b.presence.stop()]);
	});

	it('a process that stops beating is swept by another, which announces who went offline', async () => {
		const a = processOn(clients.open(), 'dying', 300);
		const b = processOn(clients.open(), 'survivor', 300);
		// `a` beats once and never again: a killed process.
		await a.presence.tick();
		await b.presence.start();
		await a.open(conn(1, 'alice')); // only on the dying process
		await a.open(conn(3, 'carol'));
		await b.open(conn(3, 'carol')); // also on the survivor

		const swept = b.announced();
		await swept;
		expect(b.offline.flat().map((u) => u.name)).toEqual(['alice']);
		expect(await b.presence.usersOnline()).toBe(1);
		expect((await b.presence.onlineUsers()).map((u) => u.name)).toEqual(['carol']);
		expect(await b.presence.connectionCounts()).toEqual(new Map([[3, 1]]));
		await b.presence.stop();
	});

	it('a process swept while cut off registers its connections again and announces them', async () => {
		const a = processOn(clients.open(), 'cut-off', 300);
		const b = processOn(clients.open(), 'other', 300);
		await a.presence.tick();
		await b.presence.start();
		const alice = conn(1, 'alice');
		await a.open(alice);
		await b.announced(); // `a` missed its heartbeats: swept, alice announced offline
		expect(await b.presence.usersOnline()).toBe(0);

		// `a` is back: its next heartbeat finds itself gone and re-registers what it holds.
		await a.presence.tick();
		expect(a.online.flat().map((u) => u.name)).toEqual(['alice']);
		expect(await b.presence.usersOnline()).toBe(1);
		// Its connection is registered again: closing it is alice's last.
		expect(await a.close(alice)).toBe(true);
		await Promise.all([a.presence.stop(), b.presence.stop()]);
	});

	it('a restart under the same process id removes what the previous run left', async () => {
		const redis = clients.open();
		const first = processOn(redis, 'web-1');
		await first.presence.start();
		await first.open(conn(9, 'ivy'));
		// Killed: no stop(). The next run under the same id starts clean and says ivy left.
		const second = processOn(redis, 'web-1');
		await second.presence.start();
		expect(second.offline.flat().map((u) => u.name)).toEqual(['ivy']);
		expect(await second.presence.usersOnline()).toBe(0);
		await second.presence.stop();
	});
});

describe('shared rate limit', () => {
	it('one bucket across processes, exact under concurrent takes', async () => {
		// 10 tokens, refilling 1 per 100 s: nothing refills during the test.
		const a = new RedisLimiter(clients.open(), 'send', 0.01, 10);
		const b = new RedisLimiter(clients.open(), 'send', 0.01, 10);
		const verdicts = await Promise.all(
			Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).take('user:1'))
		);
		expect(verdicts.filter((v) => v.ok)).toHaveLength(10);
		const refused = verdicts.find((v) => !v.ok);
		expect(refused).toMatchObject({ ok: false });
		// One token comes back in 100 s.
		expect(refused && !refused.ok && refused.waitMs).toBeGreaterThan(90_000);
		// Another key has its own bucket.
		expect((await a.take('user:2')).ok).toBe(true);
	});

	it('refills at the configured rate', async () => {
		// 10 a second: a token every 100 ms, slow enough that no refill falls between the three
		// takes even on a loaded machine, fast enough for a test.
		const a = new RedisLimiter(clients.open(), 'fast', 10, 2);
		expect((await a.take('k')).ok).toBe(true);
		expect((await a.take('k')).ok).toBe(true);
		const refused = await a.take('k');
		expect(refused.ok).toBe(false);
		// A token is back within 100 ms: a take once it is there succeeds.
		const wait = refused.ok ? 0 : refused.waitMs;
		expect(wait).toBeGreaterThan(0);
		expect(wait).toBeLessThanOrEqual(100);
		await new Promise((r) => setTimeout(r, wait + 10));
		expect((await a.take('k')).ok).toBe(true);
	});
});

describe('shared login throttle', () => {
	it('one window across processes: concurrent attempts cannot pass the limit', async () => {
		const a = new RedisAttempts(clients.open(), 'login', 5, 60_000);
		const b = new RedisAttempts(clients.open(), 'login', 5, 60_000);
		const refunds = await Promise.all(
			Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).reserve('alice|1.2.3.4'))
		);
		const passed = refunds.filter((r) => r !== null);
		expect(passed).toHaveLength(5);
		expect(await a.retryAfterMs('alice|1.2.3.4')).toBeGreaterThan(50_000);
		expect(await b.reserve('alice|1.2.3.4')).toBeNull();

		// A refund (a right password) gives one place back, once.
		await passed[0]!();
		await passed[0]!();
		expect(await a.retryAfterMs('alice|1.2.3.4')).toBe(0);
		expect(await b.reserve('alice|1.2.3.4')).not.toBeNull();
		expect(await a.reserve('alice|1.2.3.4')).toBeNull();

		await b.reset('alice|1.2.3.4');
		expect(await a.reserve('alice|1.2.3.4')).not.toBeNull();
		// Other keys are counted apart.
		expect(await a.reserve('bob|1.2.3.4')).not.toBeNull();
	});
});

describe('shared guest ids', () => {
	let dir: string;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'chat-guest-ids-'));
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('unique across processes under concurrency, and never reused after Redis loses the counter', async () => {
		// One database, as the processes of one community share it.
		const storage = await openSqliteStorage(join(dir, 'chat.db'));
		try {
			const redis = clients.open();
			// Small blocks, so the 300 guests below take many of them from both processes.
			const a = new RedisGuestIds(redis, storage.meta, 8);
			const b = new RedisGuestIds(clients.open(), storage.meta, 8);
			await Promise.all([a.init(), b.init()]);
			const ids = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 ? a : b).take()));
			expect(new Set(ids).size).toBe(300);
			expect(Math.min(...ids)).toBe(GUEST_ID_BASE);
			expect(new Set(ids.map((id) => a.nameFor(id))).size).toBe(300);
			expect(a.nameFor(GUEST_ID_BASE)).toBe('User1');
			// The database's mark covers every id handed out.
			expect(await storage.meta.guestIdsUsedUpTo(GUEST_ID_BASE)).toBeGreaterThanOrEqual(
				Math.max(...ids)
			);

			// Redis restarted without its data: the counter starts again above the mark (the
			// blocks taken after it; what was left of the blocks before is still never reused).
			await redis.client.del(redis.key('guest-id'));
			const after = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take()));
			expect(new Set(after).size).toBe(40);
			expect(after.filter((id) => ids.includes(id))).toEqual([]);
			expect(Math.max(...after)).toBeGreaterThan(Math.max(...ids));
		} finally {
			await storage.close();
		}
	});
});
