// Idle mode: the clients are connected; report that they are ready and hold them open until
// `stop` arrives on stdin (the runner measures the server's memory meanwhile).

import { performance } from 'node:perf_hooks';
import { cfg } from './config.js';
import { emit, log, round, sleep } from './output.js';
import { counters, live } from './state.js';

export async function runIdle() {
	const closes0 = Object.values(counters.closesByCode).reduce((a, b) => a + b, 0);
	emit({
		ev: 'ready',
		open: live.readyOpen,
		mem_loadgen_rss_mb: Math.round(process.memoryUsage().rss / 1048576)
	});
	log(
		`holding ${live.readyOpen} idle connections (send "stop" on stdin, at most ${cfg.holdMaxS} s)`
	);
	const t0 = performance.now();
	while (!live.stopRequested && performance.now() - t0 < cfg.holdMaxS * 1000) await sleep(100);
	const closes = Object.values(counters.closesByCode).reduce((a, b) => a + b, 0) - closes0;
	return {
		held_s: round((performance.now() - t0) / 1000),
		open_at_end: live.readyOpen,
		closed_during_hold: closes
	};
}
