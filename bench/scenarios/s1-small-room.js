// Scenario 1: a small busy room, the everyday case.

import { broadcastScenario } from '../lib/broadcast.js';

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 1,
	title: '100 clients, 10 senders × 10 msg/s, one room',
	goal: 'p99 ≤ 20 ms, reach 100 %',
	targets: ['ours', 'baseline'],
	run: broadcastScenario(bench, 100, 10, 10, bench.dur(10), { p99: 20 })
});
