// Scenario 10 (issue 13): fan-out to one room of 10,000 members. Scenario 3's sweep (10
// senders, the rate raised step by step) with 10,000 clients in general; every message goes to
// all of them. Goal: saturation ≥ 2.5 × the bare `ws` baseline at the same 10,000 connections,
// same run. A step holds while p99 ≤ 500 ms (not scenario 3's 100 ms): one message to 10,000
// sockets takes ~60 ms to reach the last of them at the lowest rate, ours and the baseline
// alike (mostly the load generator reading 10,000 sockets), so 100 ms would leave no step.

import { saturationSweep } from './s3-saturation.js';

const P99_LIMIT_MS = 500;

/** Rates per sender: each message is 10,000 deliveries, so 1/s per sender is 100,000/s. */
const RATES = [0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 16];

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 10,
	title: `one room of 10,000 members, 10 senders, rate raised until p99 > ${P99_LIMIT_MS} ms or reach < 99.9 %`,
	goal: 'saturation deliveries/s ≥ 2.5 × bare ws baseline at 10,000 connections',
	targets: ['ours', 'baseline'],
	run: (/** @type {'ours' | 'baseline'} */ kind) =>
		saturationSweep(bench, kind, {
			clients: 10_000,
			steps: RATES,
			connectConcurrency: 500,
			stopP99Ms: P99_LIMIT_MS,
			localAddresses: 2,
			settleMaxMs: 120_000
		})
});
