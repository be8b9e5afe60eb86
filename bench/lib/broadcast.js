// Broadcast runs, shared by scenarios 1–3 and the smoke run: a fresh server, the load
// generator in broadcast mode, the server sampled per window, and the one-line summary.

import { runLoadgen, stepSampler } from './loadgen-process.js';
import { mb, memory } from './procstat.js';
import { reportCrash, startServer } from './servers.js';
import { fmt, problems } from './summary.js';

/**
 * One broadcast-mode load generator run against a fresh server.
 * @param {import('./context.js').Bench} bench
 * @param {'ours' | 'baseline'} kind @param {Record<string, unknown>} lgCfg @param {Record<string, string>} [env]
 */
export async function broadcastRun(bench, kind, lgCfg, env = {}) {
	const q = await bench.quiet();
	const server = await startServer(bench, kind, { env });
	try {
		const sampler = stepSampler(server);
		const rss0 = memory(server.pid)?.rss ?? null;
		const lg = runLoadgen(
			{ url: server.wsUrl, ...lgCfg },
			{ serverPid: server.pid, onEvent: sampler.onEvent, label: `[${kind}]` }
		);
		const { result, code, stderr } = await lg.done;
		if (result?.steps) sampler.attach(result.steps);
		const crashed = server.crashed();
		if (crashed) reportCrash(server);
		return {
			kind,
			ok: !!result?.ok && code === 0 && !crashed,
			crashed,
			loadgen_exit: code,
			loadgen_error: result?.ok ? undefined : (result?.error ?? stderr.slice(-2000)),
			quiet: q,
			server_rss_start_mb: rss0 ? mb(rss0) : null,
			result,
			server_log_tail: crashed ? server.tail() : undefined,
			server_exit: crashed ? server.exitInfo() : undefined
		};
	} finally {
		await server.stop();
	}
}

/**
 * Summary of a single-step broadcast run (scenarios 1, 2 and the smoke run).
 * @param {any} run @param {{ p99: number }} goal
 */
function summarizeBroadcast(run, goal) {
	const step = run.result?.steps?.[0];
	if (!step)
		return {
			ok: false,
			pass: false,
			text: `no measurement (${run.loadgen_error ?? 'loadgen failed'})`,
			run
		};
	const issues = problems(run.result);
	if (run.crashed) issues.unshift('server crashed');
	const pass =
		run.ok &&
		step.reach_pct === 100 &&
		(step.latency_ms.p99 ?? Infinity) <= goal.p99 &&
		issues.length === 0;
	const text =
		`p99 ${fmt(step.latency_ms.p99, 2)} ms (p50 ${fmt(step.latency_ms.p50, 2)}, max ${fmt(step.latency_ms.max)}), reach ${fmt(step.reach_pct, 3)} %, ` +
		`${fmt(step.delivered_per_s, 0)} deliveries/s, connect p99 ${fmt(run.result.connected?.connect_ms?.p99)} ms, ` +
		`server CPU ${fmt(step.server_cpu_pct?.total)} %, RSS ${fmt(step.server_rss_mb)} MB` +
		(step.contended ? ' ⚠ contended' : '') +
		(issues.length ? `; ${issues.join('; ')}` : '');
	return {
		ok: run.ok,
		pass,
		text,
		p50_ms: step.latency_ms.p50,
		p99_ms: step.latency_ms.p99,
		max_ms: step.latency_ms.max,
		reach_pct: step.reach_pct,
		delivered_per_s: step.delivered_per_s,
		server_cpu_pct: step.server_cpu_pct?.total ?? null,
		contended: !!step.contended,
		issues,
		run
	};
}

/**
 * A scenario's `run`: one rate for `seconds`, judged on reach and p99.
 * @param {import('./context.js').Bench} bench
 * @param {number} clients @param {number} senders @param {number} rate @param {number} seconds @param {{ p99: number }} goal
 * @param {Record<string, unknown>} [extra] load generator options that differ from these defaults
 */
export function broadcastScenario(bench, clients, senders, rate, seconds, goal, extra = {}) {
	return async (/** @type {'ours' | 'baseline'} */ kind) => {
		const run = await broadcastRun(bench, kind, {
			mode: 'broadcast',
			clients,
			senders,
			rate,
			duration: seconds,
			warmup: 1,
			drain: 5,
			connectConcurrency: 100,
			settleMaxMs: 60_000,
			...extra
		});
		return summarizeBroadcast(run, goal);
	};
}
