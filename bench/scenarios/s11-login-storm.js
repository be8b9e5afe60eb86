// Scenario 11 (issue 13): 1,000 logins at once beside a room of 100 chatting. Half are HTTP
// logins (POST /api/auth/login), half `auth` messages on fresh WebSockets; every one costs an
// argon2 verification, which the server runs ARGON2_CONCURRENCY at a time with at most
// ARGON2_MAX_QUEUE waiting (the rest are refused at once: 503, or `auth_failed` "busy").
// Goal: the chat's p99 ≤ 250 ms meanwhile. Ours only (the bare ws server has no accounts).

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PASSWORD, sqlite } from '../lib/db.js';
import { register } from '../lib/http.js';
import { waitMeter } from '../lib/loadgen-process.js';
import { cpuPercent, cpuTimes } from '../lib/procstat.js';
import { CHAT_CLIENTS, startRoomChat } from '../lib/room-chat.js';
import { LOAD_CPU, wrap } from '../lib/machine.js';
import { BENCH } from '../lib/paths.js';
import { reportCrash, startServer } from '../lib/servers.js';
import { fmt, runRecord } from '../lib/summary.js';

const LOGINS = 1000;
const CHAT_P99_MS = 250;
const WINDOW_S = 15;

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 11,
	title: `${LOGINS.toLocaleString('en')} logins at once (HTTP and auth messages) beside a room of ${CHAT_CLIENTS} chatting`,
	goal: `chat p99 ≤ ${CHAT_P99_MS} ms meanwhile`,
	targets: ['ours'],
	run: () => scenario11(bench)
});

/** @param {import('../lib/context.js').Bench} bench */
async function scenario11(bench) {
	const q = await bench.quiet();
	const dbFile = bench.newDbFile('s11-ours');
	// Guests off (the default): a socket waits for its `auth` instead of starting as a guest.
	// Each login has an address of its own (bench/login-storm.js), trusted through the header.
	const env = { GUESTS: '0', ADDRESS_HEADER: 'x-forwarded-for' };
	let server = await startServer(bench, 'ours', { dbFile, env });
	// Accounts seeded with the registered one's password hash: every login verifies for real.
	const reg = await register(server.base, 'bench_seed', PASSWORD);
	await server.stop();
	const { seedSessions } = await sqlite();
	seedSessions(dbFile, { count: LOGINS, prefix: 'login', fromUserId: reg.user.id });
	server = await startServer(bench, 'ours', { dbFile, env });
	try {
		const chat = await startRoomChat(server, '[ours chat]', WINDOW_S);
		const cpu0 = cpuTimes(server.pid);
		const meter = waitMeter(server.pid, process.pid);
		const { seconds, outcomes } = await loginStorm(server);
		const cpu = cpuPercent(cpu0, cpuTimes(server.pid));
		const contention = meter();
		const chatRun = await chat.done;
		const crashed = server.crashed();
		if (crashed) reportCrash(server);
		/** @type {Record<string, number>} */
		const counts = {};
		for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
		const step = chatRun.result?.steps?.[0];
		const p99 = step?.latency_ms?.p99 ?? null;
		const text =
			`${LOGINS} logins in ${fmt(seconds)} s: ${Object.entries(counts)
				.map(([k, v]) => `${k} ${v}`)
				.join(
					', '
				)} (server CPU ${fmt(cpu?.total)} %${contention.contended ? ', ⚠ contended' : ''})` +
			(step
				? `; chat in a room of ${CHAT_CLIENTS} meanwhile: p50 ${fmt(step.latency_ms.p50)} ms, p99 ${fmt(p99)} ms, reach ${fmt(step.reach_pct)} %`
				: `; chat not measured (${chatRun.result?.error ?? chatRun.stderr.slice(-200)})`);
		return {
			ok: !!step && !crashed,
			pass: !!step && !crashed && p99 !== null && p99 <= CHAT_P99_MS,
			text,
			...contention,
			login_outcomes: counts,
			login_seconds: seconds,
			chat_p99_ms: p99,
			run: runRecord('ours', q, chatRun.result, chatRun.code, crashed, server)
		};
	} finally {
		await server.stop();
	}
}

/**
 * The burst, from bench/login-storm.js at nice 19 on the load core: the chat's load generator
 * goes first there, as it would if the 1,000 clients were other machines.
 * @param {{ wsUrl: string, base: string }} server
 * @returns {Promise<{ seconds: number, outcomes: string[] }>}
 */
async function loginStorm(server) {
	const config = {
		base: server.base,
		wsUrl: server.wsUrl,
		count: LOGINS,
		prefix: 'login',
		password: PASSWORD
	};
	const [cmd, args] = wrap(LOAD_CPU, [
		'nice',
		'-n',
		'19',
		process.execPath,
		path.join(BENCH, 'login-storm.js'),
		JSON.stringify(config)
	]);
	const { stdout } = await promisify(execFile)(cmd, args, { maxBuffer: 16 * 2 ** 20 });
	return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}
