// Scenario 2: a large room at a steady 50,000 deliveries/s.

import { broadcastScenario } from '../lib/broadcast.js';

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 2,
	title: '1,000 clients, 5 senders × 10 msg/s (50,000 deliveries/s)',
	goal: 'p99 ≤ 50 ms, reach 100 %',
	targets: ['ours', 'baseline'],
	run: broadcastScenario(bench, 1000, 5, 10, bench.dur(10), { p99: 50 })
});
