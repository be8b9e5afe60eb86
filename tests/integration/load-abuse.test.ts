import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cookieOf, type TestClient } from '../helpers/client';
import { rawClient } from '../helpers/raw';
import { startServer, type TestServer } from '../helpers/server';

/**
 * The load-and-abuse test of issue 10: while 50 honest clients chat, one abuser per class
 * runs at the same time for a few seconds — a flood of every frame type, room-creation
 * spam, memory held by pending logins, a connection flood from one address and concurrent
 * password guessing. The honest clients' send → acknowledgement latency must stay at
 * p99 ≤ 250 ms, nothing they send may be lost, none of them may be cut off, and the
 * server's resident memory must stay within RSS_GROWTH_LIMIT of what it was before.
 * On a shared machine whose own quiet p99 is already high (the test measures it first,
 * without abuse), the bound is that p99 plus 250 ms.
 *
 * Every client has an address of its own (X-Forwarded-For, trusted through ADDRESS_HEADER),
 * as on a real network; each abuser uses one address.
 */

const HONEST = 50;
const ABUSE_MS = 5000;
/** One message per honest client every this many ms (100 messages/s in all, 50 recipients each). */
const HONEST_EVERY_MS = 500;
const P99_LIMIT_MS = 250;
/** The chat without abuse runs this long first, to measure the machine itself. */
const QUIET_MS = 2000;
/** Quiet p99 up to this is a quiet machine: the bound is then exactly P99_LIMIT_MS. */
const QUIET_ALLOWANCE_MS = 25;
/**
 * Before the fixes, 30 sockets holding frames during `auth` alone added 117 MB. The limit is
 * 96 MB for what the abuse may hold, plus 16 MB that the abusers' `auth` attempts cost once:
 * argon2 runs on ARGON2_CONCURRENCY threads of its own (auth/argon2-threads.ts), started at
 * the first hash — two worker isolates and their allocator arenas, +21 MB measured, bounded.
 */
const RSS_GROWTH_LIMIT = (96 + 16) * 1024 * 1024;
const LOGIN_MAX_FAILURES = 5;
const PASSWORD = 'password123';

let server: TestServer;
// A server of its own for the test, started before its clock runs.
beforeEach(async () => {
	server = await startServer({
		ADDRESS_HEADER: 'x-forwarded-for',
		LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES)
	});
});
afterEach(() => server?.dispose());

async function registerFrom(username: string, address: string): Promise<string> {
	const res = await fetch(`${server.url}/api/auth/register`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: server.url, 'x-forwarded-for': address },
		body: JSON.stringify({ username, password: PASSWORD })
	});
	if (res.status !== 201) throw new Error(`register ${username}: ${res.status}`);
	return cookieOf(res);
}

function socketFrom(address: string, cookie?: string): Promise<TestClient> {
	return rawClient(server, { cookie, headers: { 'x-forwarded-for': address } });
}

/** The server process's resident set size in bytes (Linux). */
function rss(): number {
	const status = readFileSync(`/proc/${server.proc.pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

/** An honest client: one message every HONEST_EVERY_MS, latency measured to its own echo. */
class Honest {
	readonly latencies: number[] = [];
	private readonly sentAt = new Map<string, number>();
	private seq = 0;
	constructor(
		readonly client: TestClient,
		private readonly index: number
	) {
		client.ws.on('message', (data) => {
			const e = JSON.parse(String(data));
			if (e.type !== 'message' || typeof e.client_id !== 'string') return;
			const at = this.sentAt.get(e.client_id);
			if (at === undefined) return;
			this.sentAt.delete(e.client_id);
			this.latencies.push(performance.now() - at);
		});
	}

	async run(until: number): Promise<void> {
		// Spread the clients over the interval so they do not all send in the same millisecond.
		await tick((this.index * HONEST_EVERY_MS) / HONEST);
		while (performance.now() < until) {
			const id = `h${this.index}-${++this.seq}`;
			this.sentAt.set(id, performance.now());
			this.client.send({ type: 'message', content: `honest ${id}`, client_id: id });
			await tick(HONEST_EVERY_MS);
		}
	}

	/** Messages sent whose echo has not come (yet). */
	get unacknowledged(): number {
		return this.sentAt.size;
	}
}

/** Frames of every type, in turn, as fast as the socket takes them; reconnects when cut off. */
async function frameFlood(cookie: string, until: number) {
	const frames = [
		'{"type":"ping"}',
		'{"type":"get_rooms"}',
		'{"type":"get_history","room":"general","limit":100}',
		'{"type":"resume","after_id":0}',
		'{"type":"get_users"}',
		'{"type":"get_stats"}',
		'{"type":"get_receipts","message_id":1}',
		'{"type":"typing","is_typing":true}',
		'{"type":"read","message_id":1}',
		'{"type":"set_name","name":"Flooder"}',
		'{"type":"join_room","room":"random"}',
		'{"type":"leave_room","room":"random"}',
		'{"type":"message","content":"flood"}',
		'{"type":"kick","target_id":1}',
		'{"type":"auth","username":"x","password":"y"}',
		'not json at all',
		'{"type":"no_such_type"}'
	];
	let sent = 0;
	let cutOff = 0;
	let refused = 0;
	while (performance.now() < until) {
		let c: TestClient;
		try {
			c = await socketFrom('203.0.113.1', cookie);
		} catch {
			refused++; // cut off for flooding: the account waits before it may connect again
			await tick(20);
			continue;
		}
		while (c.closeCode === null && performance.now() < until) {
			if (c.ws.bufferedAmount < 64 * 1024)
				for (let i = 0; i < 50; i++) c.ws.send(frames[sent++ % frames.length]);
			await tick();
		}
		if (c.closeCode !== null) cutOff++;
		c.ws.terminate();
	}
	return { sent, cutOff, refused };
}

/** create_room with fresh names, as fast as answers come. */
async function roomSpam(cookie: string, until: number) {
	const c = await socketFrom('203.0.113.2', cookie);
	let n = 0;
	while (performance.now() < until && c.closeCode === null) {
		for (let i = 0; i < 20; i++) c.send({ type: 'create_room', name: `spam-${++n}` });
		await tick(5);
	}
	const created = c.all('room_joined').length;
	c.ws.terminate();
	return { attempts: n, created };
}

/** Sockets that send `auth` and then as many large frames as they can while it is checked. */
async function authMemory(victim: string, until: number) {
	const big = JSON.stringify({ type: 'message', content: 'm'.repeat(60_000) });
	let opened = 0;
	const worker = async () => {
		while (performance.now() < until) {
			let c: TestClient;
			try {
				c = await socketFrom('203.0.113.3');
			} catch {
				await tick(20); // refused: this address holds its share of anonymous sockets
				continue;
			}
			opened++;
			c.send({ type: 'auth', username: victim, password: 'not-the-password' });
			// Eight frames (480 KB) are far past the 64 KiB the server may hold for a socket;
			// more would only spend this process's CPU on masking what the server never reads.
			for (let i = 0; i < 8 && c.closeCode === null; i++) c.ws.send(big);
			while (c.closeCode === null && performance.now() < until) await tick(5);
			c.ws.terminate();
		}
	};
	await Promise.all(Array.from({ length: 30 }, worker));
	return { opened };
}

/** Opens sockets from one address as fast as it can and keeps them. */
async function connectionFlood(until: number) {
	const open: WebSocket[] = [];
	const outcomes = { accepted: 0, refused: 0 };
	while (performance.now() < until) {
		await Promise.all(
			Array.from(
				{ length: 20 },
				() =>
					new Promise<void>((resolve) => {
						const ws = new WebSocket(server.wsUrl, {
							headers: { 'x-forwarded-for': '203.0.113.4' }
						});
						ws.on('error', () => resolve());
						ws.once('open', () => (outcomes.accepted++, open.push(ws), resolve()));
						ws.once('unexpected-response', () => (outcomes.refused++, resolve()));
					})
			)
		);
	}
	// Upgrades in flight together may all pass the first check; the extra ones are closed (1013)
	// right after opening. What counts is how many stayed.
	const stayed = open.filter((ws) => ws.readyState === WebSocket.OPEN).length;
	for (const ws of open) ws.terminate();
	return { ...outcomes, stayed };
}

/** Waves of 40 simultaneous wrong passwords for one account. */
async function passwordGuessing(victim: string, until: number) {
	const statuses: number[] = [];
	while (performance.now() < until) {
		const wave = await Promise.all(
			Array.from({ length: 40 }, (_, i) =>
				fetch(`${server.url}/api/auth/login`, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						origin: server.url,
						'x-forwarded-for': '203.0.113.5'
					},
					body: JSON.stringify({ username: victim, password: `guess-${statuses.length + i}` })
				}).then((res) => (res.body?.cancel(), res.status))
			)
		);
		statuses.push(...wave);
		// A wave every 100 ms (~400 logins/s): the load generator shares two cores with the
		// server and the honest clients, so it must not become the bottleneck it measures.
		await tick(100);
	}
	return { wrong: statuses.filter((s) => s === 401).length, total: statuses.length };
}

/** Waits until every honest message has its echo (at most 5 s). */
async function settled(honest: Honest[]): Promise<void> {
	const deadline = performance.now() + 5000;
	while (honest.some((h) => h.unacknowledged > 0) && performance.now() < deadline) await tick(20);
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('load and abuse', () => {
	it('50 honest clients keep p99 ≤ 250 ms and the server’s memory stays bounded while five abusers attack', async () => {
		await registerFrom('loadadmin', '192.0.2.200'); // the first account is the admin
		const cookies: string[] = [];
		for (let i = 0; i < HONEST; i += 10) {
			cookies.push(
				...(await Promise.all(
					Array.from({ length: 10 }, (_, k) => registerFrom(`honest${i + k}`, `10.1.0.${i + k}`))
				))
			);
		}
		const flooderCookie = await registerFrom('flooder', '203.0.113.1');
		const spammerCookie = await registerFrom('spammer', '203.0.113.2');
		const honest = await Promise.all(
			cookies.map(async (cookie, i) => {
				const client = await socketFrom(`10.1.0.${i}`, cookie);
				await client.next('history');
				return new Honest(client, i);
			})
		);
		// The same chat without abuse first: this machine's own latency, to compare with.
		const quietUntil = performance.now() + QUIET_MS;
		await Promise.all(honest.map((h) => h.run(quietUntil)));
		await settled(honest);
		const quiet = honest.flatMap((h) => h.latencies.splice(0));
		const quietP99 = percentile(quiet, 99);

		const rssBefore = rss();
		let rssPeak = rssBefore;
		const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rss())), 100);

		// This process's own event-loop delay while it generates the abuse: an echo that arrived
		// waits that long before the honest client can time it, which is not the server's doing.
		const ownDelay = monitorEventLoopDelay({ resolution: 10 });
		ownDelay.enable();
		const until = performance.now() + ABUSE_MS;
		const [, flood, rooms, auth, conns, guesses] = await Promise.all([
			Promise.all(honest.map((h) => h.run(until))),
			frameFlood(flooderCookie, until),
			roomSpam(spammerCookie, until),
			authMemory('honest0', until),
			connectionFlood(until),
			passwordGuessing('honest1', until)
		]);
		ownDelay.disable();
		const ownDelayP99 = ownDelay.percentile(99) / 1e6;
		await settled(honest);
		clearInterval(sampler);
		rssPeak = Math.max(rssPeak, rss());

		const latencies = honest.flatMap((h) => h.latencies);
		const p99 = percentile(latencies, 99);
		console.log(
			JSON.stringify({
				honestMessages: latencies.length,
				quietP99: Math.round(quietP99),
				loadGeneratorDelayP99: Math.round(ownDelayP99),
				p50: Math.round(percentile(latencies, 50)),
				p99: Math.round(p99),
				rssBeforeMB: Math.round(rssBefore / 2 ** 20),
				rssPeakMB: Math.round(rssPeak / 2 ** 20),
				flood,
				rooms,
				auth,
				conns,
				guesses
			})
		);

		expect(honest.every((h) => h.unacknowledged === 0)).toBe(true);
		expect(honest.every((h) => h.client.closeCode === null)).toBe(true);
		expect(latencies.length).toBeGreaterThanOrEqual(HONEST * 4); // every client kept chatting
		// 250 ms on a machine of its own (there the quiet p99 is a few ms); on a shared, busy one
		// the abuse may add no more than that to what the quiet run measured, and to what this
		// process's own event loop lagged while it attacked (on two slow cores the attackers'
		// work delays the honest clients' reading of their echoes by hundreds of milliseconds).
		expect(p99).toBeLessThanOrEqual(
			P99_LIMIT_MS + Math.max(0, quietP99 - QUIET_ALLOWANCE_MS) + ownDelayP99
		);
		expect(rssPeak - rssBefore).toBeLessThan(RSS_GROWTH_LIMIT);
		// Each abuser was refused, not served.
		// The flooder is cut off once at most: its account is then refused at the upgrade for
		// FLOOD_PENALTY_MS. (A flooder whose frames wait behind its own slow ones is held back by
		// TCP instead — its socket is not read — and may never reach the cut-off.)
		expect(flood.cutOff).toBeLessThanOrEqual(1);
		if (flood.cutOff === 1) expect(flood.refused).toBeGreaterThan(0);
		expect(rooms.created).toBeLessThanOrEqual(10); // ROOMS_PER_USER_PER_DAY
		expect(conns.stayed).toBeLessThanOrEqual(20); // MAX_ANONYMOUS_PER_ADDRESS
		expect(guesses.wrong).toBeLessThanOrEqual(LOGIN_MAX_FAILURES);
		// The server still answers everyone.
		await honest[0].client.request({ type: 'ping' }, 'pong');
		for (const h of honest) h.client.ws.terminate();
	}, 60_000);
});
