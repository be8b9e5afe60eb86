// The smoke run (`node bench/run.js --smoke`, part of `npm test`): scenario 1 shrunk to a few
// seconds, ours and the baseline, judged on correctness only (reach, errors, crashes).

import { broadcastScenario } from '../lib/broadcast.js';
import { log } from '../lib/log.js';

/** @param {import('../lib/context.js').Bench} bench */
export const smokeScenario = (bench) => ({
	id: 1,
	title: 'smoke: 20 clients, 2 senders × 10 msg/s, 3 s',
	goal: 'reach 100 %, no errors, nothing crashed',
	targets: ['ours', 'baseline'],
	run: broadcastScenario(
		bench,
		20,
		2,
		10,
		bench.dur(3),
		{ p99: Infinity },
		{
			warmup: 0.5,
			drain: 3,
			retryContended: 0,
			settleQuietMs: 200,
			connectConcurrency: 20
		}
	)
});

/**
 * Prints the verdict line on stdout and returns the exit code.
 * @param {Record<string, any>} scenarios the results of the smoke run
 */
export function smokeVerdict(scenarios) {
	const e = scenarios[1];
	const failures = [];
	for (const kind of ['ours', 'baseline']) {
		const r = e?.[kind];
		if (!r) continue;
		if (!r.ok || r.reach_pct !== 100 || (r.issues?.length ?? 0) > 0)
			failures.push(`${kind}: ${r.text}`);
	}
	console.log(
		JSON.stringify({
			smoke: failures.length ? 'fail' : 'pass',
			ours: e?.ours?.text,
			baseline: e?.baseline?.text
		})
	);
	if (failures.length) {
		log(`smoke FAILED:\n  ${failures.join('\n  ')}`);
		if (e?.ours?.run?.server_log_tail) log(`server output:\n${e.ours.run.server_log_tail}`);
	} else log('smoke passed');
	return failures.length ? 1 : 0;
}
