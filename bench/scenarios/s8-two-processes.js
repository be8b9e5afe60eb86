// Scenario 8 (issue 12): scenario 3's sweep run three ways in the same run — (a) ours, one
// process on PostgreSQL + Redis; (b) ours, two processes on the same database and Redis
// prefix with the clients (senders too) split evenly between them, so every message crosses
// Redis to reach half of its receivers; (c) the bare `ws` baseline. Both server processes
// are pinned to the server CPU: on a 2-core machine whose other core runs the load
// generator, (b) cannot be faster than (a); what it measures is the cost of the fan-out —
// deliveries/s (b)/(a), CPU per delivery of the servers (summed) and of Redis — from which
// docs/performance.md derives the scaling on N machines.
//
// It needs PostgreSQL and Redis (lib/cluster.js says where): asked for by --scenario 8 it
// fails when they do not answer; the full bench runs it only when they do (`available`).

import { checkServices, clusterRun } from '../lib/cluster.js';
import { fmt } from '../lib/summary.js';
import {
	bestStep,
	saturationSweep,
	summarizeSweep,
	sweepLoadgen,
	SWEEP_ENV
} from './s3-saturation.js';

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 8,
	title:
		'scenario 3 on PostgreSQL + Redis: 1 process, then 2 processes sharing the clients and senders',
	goal: 'every message reaches the clients of both processes (a step with p99 ≤ 100 ms and reach ≥ 99.9 %); reports 2 / 1 process, 1 process / baseline, and CPU per 1,000 deliveries (servers, Redis, PostgreSQL)',
	targets: ['ours', 'baseline'],
	/** Whether the full bench can run it: null, or why not. */
	available: async () => {
		try {
			await checkServices(bench.opts);
			return null;
		} catch (err) {
			return /** @type {Error} */ (err).message;
		}
	},
	run: (/** @type {'ours' | 'baseline'} */ kind) =>
		kind === 'baseline' ? saturationSweep(bench, 'baseline') : runOurs(bench)
});

/** @param {import('../lib/context.js').Bench} bench */
async function runOurs(bench) {
	// Asked for and nothing answers: this throws, and the runner reports a harness failure.
	await checkServices(bench.opts);
	const n = bench.opts.s8Processes;
	const one = await clusterSweep(bench, 1);
	const many = await clusterSweep(bench, n);
	const pass =
		one.ok &&
		many.ok &&
		one.saturation_deliveries_per_s > 0 &&
		many.saturation_deliveries_per_s > 0;
	// Reach is what shows the fan-out: half of every message's receivers are on the other process.
	const crossed = (many.run.result?.steps ?? []).some(
		(/** @type {any} */ s) => s.reach_pct >= 99.9
	);
	const text =
		`1 process: ${line(one)}. ${n} processes: ${line(many)}` +
		(crossed || !many.run.result?.steps?.length
			? ''
			: ` (reach below 99.9 % at every step: messages did not reach the other processes' clients)`);
	const model = one.cost && many.cost ? fanOutModel(one.cost, many.cost, n) : null;
	return { ok: one.ok && many.ok, pass, text, processes: n, model, one, many };
}

/**
 * The per-message figures docs/performance.md scales to N machines with: what one more
 * process adds to every message in the servers (it receives, orders and serializes every
 * event) and in Redis (one more subscriber to write to), and what stays per message
 * (PostgreSQL's commit, Redis's PUBLISH). From two points, so noisy; negative means noise.
 * @param {ReturnType<typeof costPerDelivery>} one @param {ReturnType<typeof costPerDelivery>} many
 * @param {number} n processes of `many`
 */
function fanOutModel(one, many, n) {
	const per = (/** @type {number | null} */ a, /** @type {number | null} */ b) =>
		a == null || b == null ? null : Math.round((b - a) / (n - 1));
	const redisPerSubscriber = per(one.redis_cpu_us_per_message, many.redis_cpu_us_per_message);
	return {
		server_us_per_message_1: one.server_cpu_us_per_message,
		server_us_per_message_n: many.server_cpu_us_per_message,
		server_us_per_message_per_added_process: per(
			one.server_cpu_us_per_message,
			many.server_cpu_us_per_message
		),
		redis_us_per_message_per_subscriber: redisPerSubscriber,
		redis_us_per_message_fixed:
			one.redis_cpu_us_per_message == null || redisPerSubscriber == null
				? null
				: one.redis_cpu_us_per_message - redisPerSubscriber,
		pg_us_per_message: [one.pg_cpu_us_per_message, many.pg_cpu_us_per_message]
	};
}

/**
 * One sweep against `processes` servers, summarized like scenario 3 plus the cost per
 * delivery at the saturation step.
 * @param {import('../lib/context.js').Bench} bench @param {number} processes
 */
async function clusterSweep(bench, processes) {
	const run = await clusterRun(bench, processes, sweepLoadgen(bench), SWEEP_ENV);
	const summary = summarizeSweep(run);
	const { best } = bestStep(run.result?.steps ?? []);
	return { ...summary, processes, cost: best ? costPerDelivery(best) : null };
}

/**
 * CPU-seconds per 1,000 deliveries of the servers (summed), Redis and our database's
 * PostgreSQL backends at one step, and Redis's and PostgreSQL's CPU per message sent (their
 * work follows messages × processes, not deliveries).
 * @param {any} step
 */
export function costPerDelivery(step) {
	const c = step.cpu_s;
	/** cores busy (CPU-seconds per second) of one of cpu_s's processes @param {'servers' | 'pg'} k */
	const cores = (k) => (c?.[k] == null || !c.wall ? null : c[k] / c.wall);
	// Redis: only what the messages added to its idle CPU (never below zero: noise).
	const redisCores =
		c?.redis == null || !c.wall ? null : Math.max(0, c.redis - (c.redis_idle ?? 0)) / c.wall;
	const perDelivery = (/** @type {number | null} */ x) =>
		x == null || !step.delivered_per_s ? null : round4((x * 1000) / step.delivered_per_s);
	const messagesPerS = step.sent / step.seconds;
	const perMessageUs = (/** @type {number | null} */ x) =>
		x == null || !messagesPerS ? null : Math.round((x * 1e6) / messagesPerS);
	return {
		delivered_per_s: step.delivered_per_s,
		messages_per_s: Math.round(messagesPerS * 100) / 100,
		server_cpu_pct: step.server_cpu_pct?.total ?? null,
		redis_cpu_pct: step.redis_cpu_pct ?? null,
		pg_cpu_pct: step.pg_cpu_pct ?? null,
		server_cpu_s_per_1000: perDelivery(cores('servers')),
		redis_cpu_s_per_1000: perDelivery(redisCores),
		pg_cpu_s_per_1000: perDelivery(cores('pg')),
		server_cpu_us_per_message: perMessageUs(cores('servers')),
		redis_cpu_us_per_message: perMessageUs(redisCores),
		pg_cpu_us_per_message: perMessageUs(cores('pg'))
	};
}

const round4 = (/** @type {number} */ v) => Number(v.toPrecision(4));
const ms = (/** @type {number | null} */ s) => (s == null ? '–' : fmt(s * 1000, 3));

/** @param {Awaited<ReturnType<typeof clusterSweep>>} r */
function line(r) {
	const c = r.cost;
	return (
		r.text +
		(c
			? `; CPU per 1,000 deliveries: servers ${ms(c.server_cpu_s_per_1000)} ms, Redis ${ms(c.redis_cpu_s_per_1000)} ms (${fmt(c.redis_cpu_us_per_message, 0)} µs per message), PostgreSQL ${ms(c.pg_cpu_s_per_1000)} ms`
			: '')
	);
}

/**
 * Once ours and the baseline ran: the ratios (b)/(a) and (a)/baseline (and (b)/baseline).
 * @param {Record<string, any>} entry scenario 8's results
 */
export function compareTwoProcesses(entry) {
	const one = entry.ours?.one?.saturation_deliveries_per_s;
	const many = entry.ours?.many?.saturation_deliveries_per_s;
	const base = entry.baseline?.saturation_deliveries_per_s;
	const ratio = (/** @type {number} */ a, /** @type {number} */ b) =>
		Math.round((a / b) * 100) / 100;
	/** @type {string[]} */
	const parts = [];
	if (one && many) {
		entry.ratio_many_to_one = ratio(many, one);
		parts.push(`${entry.ours.processes} / 1 process ${entry.ratio_many_to_one}`);
	}
	if (one && base) {
		entry.ratio = ratio(one, base);
		parts.push(`1 process / baseline ${entry.ratio}`);
	}
	if (many && base) {
		entry.ratio_many_to_baseline = ratio(many, base);
		parts.push(`${entry.ours.processes} processes / baseline ${entry.ratio_many_to_baseline}`);
	}
	if (parts.length) entry.ours.text += ` — ${parts.join(', ')}`;
}
