import type { OnlineUser } from '$lib/protocol/events';
import { GUEST_ID_BASE } from '../chat/guest-ids';
import type { Logger } from '../logger';
import type { Connection } from '../realtime/connection';
import { pageOf, type Arrival, type OnlineDirectory } from '../realtime/online';
import { LuaScript } from './lua';
import { TurnBatch } from './turn-batch';
import type { SharedRedis } from './redis-client';

/*
 * Keys (after the prefix):
 *   online:count        hash   user id → open connections, every process counted
 *   online:users        hash   user id → the user as `users` lists it (JSON)
 *   online:guests       set    the guests among them (member counts of general)
 *   online:procs        set    process ids that hold connections
 *   online:proc:<pid>   hash   connection id → user id, one per process
 *   online:alive:<pid>  string the process's heartbeat; expires when it stops beating
 * Every change is one script, so a count and the lists never disagree, and "first
 * connection anywhere" / "last anywhere" is decided once, by Redis.
 */

/**
 * This process's arrivals and departures of one turn, in their order (ARGV: `a`, connection
 * id, user id, user JSON | `d`, connection id). Returns, per change, the user's connections
 * after it (an arrival's 1: first anywhere; a departure's 0: last anywhere, -1: the connection
 * was not registered — a sweep already removed it, and announced it), then the users and the
 * guests online after them all.
 */
const CHANGES = new LuaScript(`
local out = {}
local i = 1
while i <= #ARGV do
  if ARGV[i] == 'a' then
    local conn, uid = ARGV[i + 1], ARGV[i + 2]
    redis.call('HSET', KEYS[4], conn, uid)
    local n = redis.call('HINCRBY', KEYS[1], uid, 1)
    if n == 1 then
      redis.call('HSET', KEYS[2], uid, ARGV[i + 3])
      if tonumber(uid) >= ${GUEST_ID_BASE} then redis.call('SADD', KEYS[3], uid) end
    end
    out[#out + 1] = n
    i = i + 4
  else
    local uid = redis.call('HGET', KEYS[4], ARGV[i + 1])
    local n = -1
    if uid then
      redis.call('HDEL', KEYS[4], ARGV[i + 1])
      n = redis.call('HINCRBY', KEYS[1], uid, -1)
      if n <= 0 then
        redis.call('HDEL', KEYS[1], uid)
        redis.call('HDEL', KEYS[2], uid)
        redis.call('SREM', KEYS[3], uid)
        n = 0
      end
    end
    out[#out + 1] = n
    i = i + 2
  end
end
out[#out + 1] = redis.call('HLEN', KEYS[1])
out[#out + 1] = redis.call('SCARD', KEYS[3])
return out
`);

/** One change of CHANGES: its arguments. */
type Change = (string | number)[];
/** What CHANGES says of one change: the user's connections after it, the counts after the batch. */
type Changed = { n: number; usersOnline: number; guestsOnline: number };

/**
 * Replaces everything one process registered with a new list (ARGV from 4: connection id,
 * user id, user JSON, …) and returns who went offline and who came online because of it:
 *   mode 'dead': a process that stopped beating; only while its heartbeat is still absent
 *   mode 'own':  this process, resynchronizing (start, or after losing Redis for a while)
 *   mode 'stop': this process, leaving for good
 */
const REPLACE = new LuaScript(`
local count, users, guests, proc, procs, alive = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local mode = ARGV[3]
if mode == 'dead' and redis.call('EXISTS', alive) == 1 then return false end
local before, json, order = {}, {}, {}
local function note(uid)
  if before[uid] == nil then
    before[uid] = tonumber(redis.call('HGET', count, uid) or '0')
    json[uid] = redis.call('HGET', users, uid)
    order[#order + 1] = uid
  end
end
local old = redis.call('HGETALL', proc)
for i = 1, #old, 2 do
  note(old[i + 1])
  redis.call('HINCRBY', count, old[i + 1], -1)
end
redis.call('DEL', proc)
for i = 4, #ARGV, 3 do
  local uid = ARGV[i + 1]
  note(uid)
  if not json[uid] then json[uid] = ARGV[i + 2] end
  redis.call('HSET', proc, ARGV[i], uid)
  redis.call('HINCRBY', count, uid, 1)
end
local offline, online = {}, {}
for _, uid in ipairs(order) do
  local after = tonumber(redis.call('HGET', count, uid) or '0')
  if after <= 0 then
    redis.call('HDEL', count, uid)
    redis.call('HDEL', users, uid)
    redis.call('SREM', guests, uid)
    if before[uid] > 0 and json[uid] then offline[#offline + 1] = json[uid] end
  elseif before[uid] <= 0 then
    redis.call('HSET', users, uid, json[uid])
    if tonumber(uid) >= ${GUEST_ID_BASE} then redis.call('SADD', guests, uid) end
    online[#online + 1] = json[uid]
  end
end
if mode == 'own' then
  redis.call('SADD', procs, ARGV[1])
  redis.call('SET', alive, '1', 'PX', ARGV[2])
else
  redis.call('SREM', procs, ARGV[1])
  redis.call('DEL', alive)
end
return {offline, online}
`);

/** 1 when the heartbeat was still there (nothing can have been swept), else 0. */
const HEARTBEAT = new LuaScript(`
local had = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return had
`);

/** A rename or a role change of someone online ('' leaves a field as it is). */
const CHANGE = new LuaScript(`
local j = redis.call('HGET', KEYS[1], ARGV[1])
if not j then return 0 end
local u = cjson.decode(j)
if ARGV[2] ~= '' then u.name = ARGV[2] end
if ARGV[3] ~= '' then u.is_admin = (ARGV[3] == '1') end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(u))
return 1
`);

/** Presence changes nobody's connection announced: a dead process's users, a resync's. */
export interface PresenceNews {
	wentOffline(users: OnlineUser[]): void;
	cameOnline(users: OnlineUser[]): void;
}

export interface RedisPresenceOptions {
	redis: SharedRedis;
	processId: string;
	/** This process's identified connections (the hub), for a resynchronization. */
	connections: () => Iterable<Connection>;
	news: PresenceNews;
	log: Pick<Logger, 'warn' | 'error'>;
	/** A process that has not beaten for this long is dead; it beats every third of it. */
	ttlMs?: number;
}

/**
 * Presence shared by every process (PROTOCOL.md §14): exact online users and counts, and
 * `join` / `leave` only on a user's first connection anywhere / last anywhere.
 *
 * Each process registers its connections under its own id and keeps a heartbeat key alive.
 * Every process sweeps: a process whose heartbeat expired (killed, frozen, cut off) has
 * its connections removed by whichever sweeper gets there first, and that one announces
 * the users who thereby went offline. A process that could not reach Redis (a command
 * failed, or its heartbeat expired meanwhile) re-registers its connections as soon as it
 * can, announcing whoever came back.
 */
export class RedisPresence implements OnlineDirectory {
	private readonly redis: SharedRedis;
	private readonly pid: string;
	private readonly ttlMs: number;
	private timer: NodeJS.Timeout | null = null;
	/** A change may not have reached Redis: resynchronize at the next heartbeat. */
	private dirty = false;
	private beating: Promise<void> | null = null;

	constructor(private readonly opts: RedisPresenceOptions) {
		this.redis = opts.redis;
		this.pid = opts.processId;
		this.ttlMs = opts.ttlMs ?? 15_000;
	}

	private k(...parts: string[]): string {
		return this.redis.key('online', ...parts);
	}

	private keys(pid: string): string[] {
		return [
			this.k('count'),
			this.k('users'),
			this.k('guests'),
			this.k('proc', pid),
			this.k('procs'),
			this.k('alive', pid)
		];
	}

	/**
	 * Registers this process with no connections (what a previous run under the same id
	 * left is removed and its users announced), then beats and sweeps.
	 */
	async start(): Promise<void> {
		await this.replace(this.pid, 'own', []);
		this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.ttlMs / 3)));
		this.timer.unref();
	}

	/** Leaves for good: whatever is still registered goes, and is announced. */
	async stop(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		await this.beating;
		await this.replace(this.pid, 'stop', []).catch((err) =>
			this.opts.log.warn({ err }, 'could not unregister this process from shared presence')
		);
	}

	/**
	 * The arrivals and departures of one turn go to Redis as one script call, in their order
	 * (a connect storm's thousands of arrivals were one call each). Anything else this process
	 * writes to its presence sends them first (`changes.flush()`), so its writes keep the order
	 * in which the hub changed.
	 */
	private readonly changes = new TurnBatch(async (batch: Change[]): Promise<Changed[]> => {
		const out = (await CHANGES.run(
			this.redis.client,
			this.keys(this.pid).slice(0, 4),
			batch.flat()
		)) as number[];
		const [usersOnline, guestsOnline] = out.slice(-2) as [number, number];
		return batch.map((_, i) => ({ n: out[i]!, usersOnline, guestsOnline }));
	});

	arrived(conn: Connection, _firstHere: boolean): Promise<Arrival> {
		const who = conn.identity!;
		const user: OnlineUser = {
			id: who.id,
			name: who.name,
			username: who.username,
			connected_at: conn.connectedAt,
			is_admin: who.isAdmin,
			is_guest: who.isGuest
		};
		// The counts come back with the arrival: a connect storm's welcomes need them, and a
		// read of its own per connection was two more commands each (HLEN, SCARD).
		const arrival = this.changes
			.request(['a', conn.id, who.id, JSON.stringify(user)])
			.then(({ n, usersOnline, guestsOnline }) => ({ first: n === 1, usersOnline, guestsOnline }));
		return arrival.catch(async (err) => {
			this.unreachable(err);
			// Not announced; the counts are read as they stand (which fails too while Redis is away).
			const [usersOnline, guestsOnline] = await Promise.all([
				this.usersOnline(),
				this.guestsOnline()
			]);
			return { first: false, usersOnline, guestsOnline };
		});
	}

	departed(conn: Connection, _lastHere: boolean): Promise<boolean> {
		return this.change(this.changes.request(['d', conn.id]).then(({ n }) => n === 0));
	}

	/** A failed change is not announced; the next heartbeat resynchronizes instead. */
	private change(done: Promise<boolean>): Promise<boolean> {
		return done.catch((err) => {
			this.unreachable(err);
			return false;
		});
	}

	private unreachable(err: unknown): void {
		this.dirty = true;
		this.opts.log.warn({ err: String(err) }, 'shared presence unreachable; will resync');
	}

	/** A rename or a role change (an `identity` event) shows in the `users` list. */
	async changed(userId: number, change: { name?: string; isAdmin?: boolean }): Promise<void> {
		// After the user's arrival, if it still waits for the end of the turn.
		this.changes.flush();
		const admin = change.isAdmin === undefined ? '' : change.isAdmin ? '1' : '0';
		await CHANGE.run(this.redis.client, [this.k('users')], [userId, change.name ?? '', admin]);
	}

	async usersOnline(): Promise<number> {
		return this.redis.client.hlen(this.k('count'));
	}

	async onlineUsers(): Promise<OnlineUser[]> {
		const values = await this.redis.client.hvals(this.k('users'));
		return values.map((v) => JSON.parse(v) as OnlineUser);
	}

	async someUsers(limit: number): Promise<OnlineUser[]> {
		// One HSCAN step reads about `limit` entries, not the whole hash.
		const [, flat] = await this.redis.client.hscan(this.k('users'), '0', 'COUNT', limit);
		const users: OnlineUser[] = [];
		for (let i = 1; i < flat.length && users.length < limit; i += 2)
			users.push(JSON.parse(flat[i]!) as OnlineUser);
		return users;
	}

	/**
	 * Reads the whole list and sorts it: pages are asked for when a people list opens, not per
	 * connection, so this is a cost per viewer (a sorted set of ids would make it a range read).
	 */
	async usersPage(afterId: number, limit: number): Promise<OnlineUser[]> {
		const all = await this.onlineUsers();
		const byId = new Map(all.map((u) => [u.id, u]));
		return pageOf(byId.keys(), afterId, limit).map((id) => byId.get(id)!);
	}

	async usersByIds(ids: readonly number[]): Promise<OnlineUser[]> {
		if (ids.length === 0) return [];
		const values = await this.redis.client.hmget(this.k('users'), ...ids.map(String));
		return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as OnlineUser);
	}

	async user(id: number): Promise<OnlineUser | undefined> {
		const value = await this.redis.client.hget(this.k('users'), String(id));
		return value ? (JSON.parse(value) as OnlineUser) : undefined;
	}

	async guestsOnline(): Promise<number> {
		return this.redis.client.scard(this.k('guests'));
	}

	async connectionCounts(): Promise<Map<number, number>> {
		const all = await this.redis.client.hgetall(this.k('count'));
		return new Map(Object.entries(all).map(([id, n]) => [Number(id), Number(n)]));
	}

	/** One heartbeat, a resync when needed, and a sweep of dead processes. */
	tick(): Promise<void> {
		this.beating ??= this.beat()
			.catch((err) => {
				this.dirty = true;
				this.opts.log.warn({ err: String(err) }, 'shared presence heartbeat failed');
			})
			.finally(() => (this.beating = null));
		return this.beating;
	}

	private async beat(): Promise<void> {
		const had = await HEARTBEAT.run(
			this.redis.client,
			[this.k('alive', this.pid), this.k('procs')],
			[this.pid, this.ttlMs]
		);
		if (had !== 1 || this.dirty) {
			this.dirty = false;
			await this.resync();
		}
		await this.sweep();
	}

	/** Registers exactly this process's open connections again. */
	private resync(): Promise<void> {
		const entries: (string | number)[] = [];
		for (const conn of this.opts.connections()) {
			const who = conn.identity;
			if (!who) continue;
			entries.push(
				conn.id,
				who.id,
				JSON.stringify({
					id: who.id,
					name: who.name,
					username: who.username,
					connected_at: conn.connectedAt,
					is_admin: who.isAdmin,
					is_guest: who.isGuest
				} satisfies OnlineUser)
			);
		}
		return this.replace(this.pid, 'own', entries);
	}

	/** Removes the connections of every process whose heartbeat expired. */
	async sweep(): Promise<void> {
		const procs = await this.redis.client.smembers(this.k('procs'));
		for (const pid of procs) {
			if (pid === this.pid) continue;
			await this.replace(pid, 'dead', []);
		}
	}

	private async replace(
		pid: string,
		mode: 'own' | 'dead' | 'stop',
		entries: (string | number)[]
	): Promise<void> {
		// A resync lists the hub as it is: the changes that led to it go first.
		this.changes.flush();
		const result = (await REPLACE.run(this.redis.client, this.keys(pid), [
			pid,
			this.ttlMs,
			mode,
			...entries
		])) as [string[], string[]] | null;
		if (!result) return;
		const [offline, online] = result.map((list) => list.map((j) => JSON.parse(j) as OnlineUser));
		if (mode === 'dead' && offline.length > 0)
			this.opts.log.warn({ process: pid, users: offline.length }, 'removed a dead process');
		if (offline.length > 0) this.opts.news.wentOffline(offline);
		if (online.length > 0) this.opts.news.cameOnline(online);
	}
}
