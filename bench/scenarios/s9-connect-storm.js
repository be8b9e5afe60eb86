// Scenario 9 (issue 13): a connect storm. 10,000 clients connect at once — half of them
// accounts with session cookies, half guests — while a room of 100 that was already going keeps
// chatting. Goal: everyone welcomed within 2 × the time the bare `ws` baseline takes for the
// same 10,000 in the same run, and the chat's p99 ≤ 250 ms meanwhile.
//
// Two load generators open the storm (one per half, started together) and a third runs the
// chat (ours only: the baseline has no rooms); the storm starts when the chat's measured
// window does.

import { runLoadgen, waitMeter } from '../lib/loadgen-process.js';
import { cpuPercent, cpuTimes } from '../lib/procstat.js';
import { CHAT_CLIENTS, startRoomChat } from '../lib/room-chat.js';
import { reportCrash, startServer } from '../lib/servers.js';
import { stormStore } from '../lib/storm-store.js';
import { fmt, problems, runRecord } from '../lib/summary.js';

const CHAT_P99_MS = 250;
/** Connections each storm load generator opens at a time ("at once", within a socket budget). */
const STORM_CONCURRENCY = 1000;

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 9,
	title: `connect storm: ${bench.opts.s9Connections.toLocaleString('en')} clients at once (half accounts, half guests) beside a room of ${CHAT_CLIENTS} chatting${bench.opts.backend === 'postgres' ? ', on PostgreSQL + Redis' : ''}`,
	goal: `all welcomed within 2 × the bare ws baseline (same run); chat p99 ≤ ${CHAT_P99_MS} ms meanwhile`,
	targets: ['baseline', 'ours'],
	run: (/** @type {'ours' | 'baseline'} */ kind) => scenario9(bench, kind)
});

/**
 * The storm alone (its time against the baseline's: the load generators share one core, and a
 * chat beside it would take some of it), then, for ours, the storm again beside the chat.
 * @param {import('../lib/context.js').Bench} bench @param {'ours' | 'baseline'} kind
 */
async function scenario9(bench, kind) {
	const alone = await stormRun(bench, kind, false);
	if (kind === 'baseline') return alone;
	const withChat = await stormRun(bench, kind, true);
	return {
		...alone,
		ok: alone.ok && withChat.ok,
		text: `alone: ${alone.text}; beside the chat: ${withChat.text}`,
		chat_p99_ms: withChat.chat_p99_ms,
		chat_reach_pct: withChat.chat_reach_pct,
		storm_seconds_beside_chat: withChat.storm_seconds,
		with_chat: withChat
	};
}

/**
 * @param {import('../lib/context.js').Bench} bench @param {'ours' | 'baseline'} kind
 * @param {boolean} withChat
 */
async function stormRun(bench, kind, withChat) {
	const n = bench.opts.s9Connections;
	const half = Math.floor(n / 2);
	const q = await bench.quiet();
	/** @type {string[]} */
	const notes = [];
	/** @type {Record<string, unknown>} */
	let accounts = { auth: 'guest' };
	// The baseline keeps nothing; ours keeps its community in SQLite or PostgreSQL (+ Redis).
	const store = kind === 'ours' ? stormStore(bench, `s9-${withChat ? 'chat' : 'alone'}`) : null;
	const env = store?.env ?? {};
	let server = await startServer(bench, kind, { env });
	if (store) {
		const { cookieFile } = await store.seed(server, half, 'storm');
		accounts = { auth: 'cookies', cookieFile };
		server = await startServer(bench, 'ours', { env });
	}
	try {
		/** @type {Promise<unknown>[]} */
		const connected = [];
		const storm = (/** @type {Record<string, unknown>} */ auth, /** @type {string} */ label) => {
			/** @type {(ev: any) => void} */
			let onConnected = () => {};
			connected.push(new Promise((resolve) => (onConnected = resolve)));
			return runLoadgen(
				{
					url: server.wsUrl,
					mode: 'idle',
					clients: half,
					senders: 0,
					...auth,
					connectConcurrency: STORM_CONCURRENCY,
					connectTimeoutMs: 60_000,
					connectPhaseTimeoutMs: 600_000,
					localAddresses: Math.max(1, Math.ceil(half / 5000)),
					settleQuietMs: 300,
					settleMaxMs: 60_000,
					// Beside the chat, connected until its window has ended (stopped then): 10,000
					// sockets closing at once are one long poll phase of the event loop (~0.4 s,
					// docs/performance.md), which is not the connect storm being measured.
					holdMaxS: withChat ? bench.opts.s9Window + 60 : 5,
					readyOn: 'welcome'
				},
				{
					serverPid: server.pid,
					label,
					onEvent: (ev) => ev.ev === 'connected' && onConnected(ev)
				}
			);
		};
		const chat = withChat
			? await startRoomChat(server, `[${kind} chat]`, bench.opts.s9Window)
			: null;
		const cpu0 = cpuTimes(server.pid);
		const accountsRun = storm(accounts, `[${kind} accounts]`);
		const guestsRun = storm({ auth: 'guest' }, `[${kind} guests]`);
		const meter = waitMeter(server.pid, accountsRun.pid);
		// The storm is over when both have connected (or given up: exited).
		await Promise.race([Promise.all(connected), Promise.all([accountsRun.done, guestsRun.done])]);
		const cpu = cpuPercent(cpu0, cpuTimes(server.pid));
		const contention = meter();
		const chatRun = chat ? await chat.done : null;
		accountsRun.stop();
		guestsRun.stop();
		const [a, g] = await Promise.all([accountsRun.done, guestsRun.done]);
		const crashed = server.crashed();
		if (crashed) reportCrash(server);

		const seconds = Math.max(
			a.result?.connected?.seconds ?? NaN,
			g.result?.connected?.seconds ?? NaN
		);
		const open = (a.result?.open_at_end ?? 0) + (g.result?.open_at_end ?? 0);
		const welcomed = (a.result?.connected?.ready ?? 0) + (g.result?.connected?.ready ?? 0);
		const step = chatRun?.result?.steps?.[0];
		const chatP99 = step?.latency_ms?.p99 ?? null;
		const issues = [...problems(a.result), ...problems(g.result)].filter(
			(p) => !p.startsWith('closes') || crashed
		);
		if (crashed) issues.unshift('server crashed');
		if (welcomed < 2 * half) issues.push(`${welcomed}/${2 * half} welcomed`);
		if (chat && !step)
			issues.push(`chat not measured (${chatRun?.result?.error ?? chatRun?.stderr.slice(-200)})`);
		if (step && seconds > bench.opts.s9Window)
			notes.push(
				`the chat's ${bench.opts.s9Window} s window covered part of the ${fmt(seconds)} s storm`
			);
		const text =
			`${fmt(welcomed, 0)} welcomed in ${fmt(seconds)} s (accounts ${fmt(a.result?.connected?.seconds)} s, guests ${fmt(g.result?.connected?.seconds)} s; connect p99 ${fmt(Math.max(a.result?.connected?.connect_ms?.p99 ?? 0, g.result?.connected?.connect_ms?.p99 ?? 0))} ms; server CPU ${fmt(cpu?.total)} %${contention.contended ? ', ⚠ contended' : ''})` +
			(step
				? `; chat in a room of ${CHAT_CLIENTS} meanwhile: p50 ${fmt(step.latency_ms.p50)} ms, p99 ${fmt(chatP99)} ms, reach ${fmt(step.reach_pct)} %`
				: '') +
			(issues.length ? `; ${issues.join('; ')}` : '');
		return {
			ok: !!a.result?.ok && !!g.result?.ok && !crashed && (!chat || !!step),
			pass: null,
			text,
			...contention,
			storm_seconds: Number.isFinite(seconds) ? seconds : null,
			welcomed,
			open,
			chat_p99_ms: chatP99,
			chat_reach_pct: step?.reach_pct ?? null,
			server_cpu_storm_pct: cpu,
			notes,
			issues,
			run: runRecord(kind, q, a.result, a.code, crashed, server)
		};
	} finally {
		await server.stop();
		await store?.dispose();
	}
}

/**
 * Ours against the baseline of the same run: welcomed within 2 × its time, chat p99 in bounds.
 * @param {any} entry
 */
export function compareStorm(entry) {
	const ours = entry.ours;
	const base = entry.baseline;
	if (!ours?.storm_seconds || !base?.storm_seconds) return;
	entry.ratio = Math.round((ours.storm_seconds / base.storm_seconds) * 100) / 100;
	ours.pass =
		ours.ok &&
		ours.welcomed === base.welcomed &&
		entry.ratio <= 2 &&
		ours.chat_p99_ms != null &&
		ours.chat_p99_ms <= CHAT_P99_MS;
	ours.text += ` — ${entry.ratio} × the baseline's time`;
}
