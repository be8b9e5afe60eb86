// Scenario 3: the rate per sender is raised step by step until p99 > 100 ms or reach < 99.9 %;
// the best step that held is the saturation figure, compared with the bare `ws` baseline
// measured in the same run.

import { broadcastRun } from '../lib/broadcast.js';
import { fmt, problems } from '../lib/summary.js';

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 3,
	title: '1,000 clients, 10 senders, rate raised until p99 > 100 ms or reach < 99.9 %',
	goal: 'saturation deliveries/s ≥ 1.0 × bare ws baseline',
	targets: ['ours', 'baseline'],
	run: (/** @type {'ours' | 'baseline'} */ kind) => saturationSweep(bench, kind)
});

/**
 * The load generator options of scenario 3's sweep (scenarios 7 and 8 run the same sweep).
 * @param {import('../lib/context.js').Bench} bench @param {Record<string, unknown>} [extra]
 */
export const sweepLoadgen = (bench, extra = {}) => ({
	mode: 'broadcast',
	clients: 1000,
	senders: 10,
	steps: bench.opts.s3Rates,
	duration: bench.dur(5),
	warmup: 1,
	drain: 5,
	stopP99Ms: 100,
	stopReachPct: 99.9,
	connectConcurrency: 100,
	settleMaxMs: 60_000,
	...extra
});

/** The server settings of the sweep: senders are not rate-limited. */
export const SWEEP_ENV = { RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' };

/**
 * The sweep of scenario 3; scenario 7 runs the same sweep with changes mixed in (`loadgen`).
 * @param {import('../lib/context.js').Bench} bench @param {'ours' | 'baseline'} kind
 * @param {Record<string, unknown>} [loadgen] extra load generator options
 */
export async function saturationSweep(bench, kind, loadgen = {}) {
	const p99Limit = Number(loadgen.stopP99Ms ?? 100);
	return summarizeSweep(
		await broadcastRun(bench, kind, sweepLoadgen(bench, loadgen), SWEEP_ENV),
		p99Limit
	);
}

/**
 * The steps that held (p99 ≤ 100 ms and reach ≥ 99.9 %) and the best of them: the one with
 * the most deliveries per second, the saturation figure.
 * @param {any[]} steps @param {number} [p99Limit] ms (scenario 10 allows more: a message to
 * 10,000 sockets takes the load generator ~60 ms to read at all)
 */
export function bestStep(steps, p99Limit = 100) {
	const passing = steps.filter(
		(s) => (s.latency_ms.p99 ?? Infinity) <= p99Limit && (s.reach_pct ?? 0) >= 99.9
	);
	const best = passing.reduce(
		(a, s) => (!a || s.delivered_per_s > a.delivered_per_s ? s : a),
		null
	);
	return { passing, best };
}

/**
 * The summary of a sweep: saturation deliveries/s, the step after it, the issues.
 * @param {any} run a broadcast run (lib/broadcast.js) or a cluster run (lib/cluster.js)
 * @param {number} [p99Limit] ms
 */
export function summarizeSweep(run, p99Limit = 100) {
	/** @type {any[]} */
	const steps = run.result?.steps ?? [];
	const { passing, best } = bestStep(steps, p99Limit);
	// The lowest rate that crossed the limits (with refinement there can be several).
	const failing = steps
		.filter((s) => !passing.includes(s))
		.sort((a, b) => a.rate_per_sender - b.rate_per_sender)[0];
	const issues = problems(run.result).filter((p) => !p.startsWith('closes')); // overload may close slow consumers
	if (run.crashed) issues.unshift('server crashed');
	const saturation = best?.delivered_per_s ?? 0;
	const text =
		(best
			? `${fmt(saturation, 0)} deliveries/s at p99 ${fmt(best.latency_ms.p99, 1)} ms (reach ${fmt(best.reach_pct, 3)} %, server CPU ${fmt(best.server_cpu_pct?.total)} %)`
			: `no step met p99 ≤ ${p99Limit} ms and reach ≥ 99.9 %`) +
		(failing
			? `; next step offered ${fmt(failing.offered_deliveries_per_s, 0)}/s → delivered ${fmt(failing.delivered_per_s, 0)}/s, p99 ${fmt(failing.latency_ms.p99, 0)} ms, reach ${fmt(failing.reach_pct, 2)} %`
			: '; never saturated (raise --s3-rates)') +
		(steps.some((s) => s.contended) ? ' ⚠ some steps contended' : '') +
		((failing ?? best)?.loadgen_bound && ((failing ?? best).server_cpu_pct?.total ?? 0) < 90
			? ' ⚠ load generator near 100 % CPU while the server was not: the limit may be its own'
			: '') +
		(issues.length ? `; ${issues.join('; ')}` : '');
	return {
		ok: run.ok,
		pass: null, // decided against the baseline below
		text,
		saturation_deliveries_per_s: saturation,
		saturated: !!failing,
		saturation_p99_ms: best?.latency_ms.p99 ?? null,
		saturation_server_cpu_pct: best?.server_cpu_pct ?? null,
		sweep: [...steps]
			.sort((a, b) => a.rate_per_sender - b.rate_per_sender)
			.map((s) => ({
				rate_per_sender: s.rate_per_sender,
				offered: s.offered_deliveries_per_s,
				delivered: s.delivered_per_s,
				p50: s.latency_ms.p50,
				p99: s.latency_ms.p99,
				reach: s.reach_pct,
				server_cpu: s.server_cpu_pct?.total ?? null,
				loadgen_cpu: s.loadgen_cpu_pct,
				contended: !!s.contended,
				// scenario 8 (lib/cluster.js): each process, Redis and our database's backends
				...(s.redis_cpu_pct !== undefined && {
					server_cpu_each: s.server_cpu_pct_each,
					redis_cpu: s.redis_cpu_pct,
					pg_cpu: s.pg_cpu_pct
				})
			})),
		issues,
		run
	};
}

/**
 * Once both targets ran (not in the smoke run): the ratio to the baseline decides the pass.
 * @param {Record<string, any>} entry the scenario's results, ours and baseline
 * @param {number} [goal] the least ratio that passes (scenario 10: 2.5)
 */
export function compareToBaseline(entry, goal = 1.0) {
	if (
		entry.ours?.saturation_deliveries_per_s == null ||
		!entry.baseline?.saturation_deliveries_per_s
	)
		return;
	entry.ratio =
		Math.round(
			(entry.ours.saturation_deliveries_per_s / entry.baseline.saturation_deliveries_per_s) * 100
		) / 100;
	entry.ours.pass = entry.ratio >= goal && entry.ours.ok;
	// Never saturated within the sweep: the ratio is a lower bound.
	const bound = entry.ours.saturated === false ? '≥ ' : '';
	entry.ours.text += ` — ${bound}${entry.ratio} × baseline`;
}
