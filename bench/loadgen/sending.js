// Sending our messages (the send time and step tag travel in the content), the open-loop
// schedule, waiting for deliveries, and the report of one measured step.

import { performance } from 'node:perf_hooks';
import { maybeSendChange } from './changes.js';
import { cfg, runTag } from './config.js';
import { nowAbs, round, round4, sleep } from './output.js';
import { live } from './state.js';

/** @typedef {import('./client.js').Client} Client */
/** @typedef {import('./state.js').StepStats} StepStats */

const padding = cfg.payloadBytes > 0 ? '|' + 'x'.repeat(cfg.payloadBytes) : '|';

/** @param {Client} c @param {number} tag @param {number} senderIdx @returns {boolean} */
export function sendMessage(c, tag, senderIdx) {
	if (!c.ws || !c.open) return false;
	if (cfg.changeEvery > 0 && maybeSendChange(c, tag, senderIdx, cfg.changeEvery)) return true;
	const seq = c.seq++;
	const clientId = `${runTag}-${senderIdx}-${seq}`;
	const content = `b|${nowAbs().toFixed(3)}|${tag}|${senderIdx}|${seq}${padding}`;
	/** @type {Record<string, unknown>} */
	const msg = { type: 'message', content, client_id: clientId };
	if (c.room !== 'general') msg.room = c.room;
	if (c.outstanding) c.outstanding.set(clientId, performance.now());
	c.ws.send(JSON.stringify(msg));
	return true;
}

/**
 * Open-loop sending: each sender has a schedule of send times; a timer fires at the earliest
 * due time and sends everything that is due (so a late timer catches up, never skips).
 * @param {Client[]} senders @param {number} rate @param {number} seconds @param {StepStats} st
 */
export function sendSchedule(senders, rate, seconds, st) {
	return new Promise((resolve) => {
		const interval = 1000 / rate;
		const S = senders.length;
		const t0 = performance.now();
		const endAt = t0 + seconds * 1000;
		const next = Float64Array.from({ length: S }, (_, i) => t0 + (i / S) * interval);
		const tick = () => {
			const now = performance.now();
			let earliest = Infinity;
			for (let i = 0; i < S; i++) {
				while (next[i] <= now && next[i] < endAt) {
					st.sendLag.record(now - next[i]);
					if (sendMessage(senders[i], st.tag, i)) st.sent++;
					else st.sendFailed++;
					next[i] += interval;
				}
				if (next[i] < earliest) earliest = next[i];
			}
			if (earliest >= endAt || live.stopRequested) {
				const wait = Math.max(0, endAt - performance.now());
				setTimeout(resolve, live.stopRequested ? 0 : wait);
				return;
			}
			setTimeout(tick, Math.max(0, earliest - performance.now()));
		};
		tick();
	});
}

/** @param {StepStats} st @param {number} maxMs */
export async function drain(st, maxMs) {
	const t0 = performance.now();
	const target = () => st.sent * st.expectedPerMsg;
	while (performance.now() - t0 < maxMs && st.received < target()) await sleep(20);
	return round((performance.now() - t0) / 1000);
}

/** @param {StepStats} st @param {number} seconds @param {number} windowDeliv @param {NodeJS.CpuUsage} cpu @param {any} loop */
export function stepReport(st, seconds, windowDeliv, cpu, loop) {
	// A message the sender could not send (its socket closed) counts as undelivered.
	const expected = (st.sent + st.sendFailed) * st.expectedPerMsg;
	return {
		step: st.index,
		rate_per_sender: st.rate,
		seconds: round(seconds),
		sent: st.sent,
		send_failed: st.sendFailed,
		offered_deliveries_per_s: Math.round(expected / seconds),
		expected,
		received: st.received,
		reach_pct: expected ? round4((st.received / expected) * 100) : null,
		delivered_per_s: Math.round(windowDeliv / seconds),
		latency_ms: st.latency.summary(),
		send_lag_ms: st.sendLag.summary(),
		loadgen_cpu_pct: round(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100),
		loadgen_cpu_system_pct: round((cpu.system / 1000 / (seconds * 1000)) * 100),
		loadgen_loop_delay_p99_ms: loop,
		/** the load generator used most of its core: the step may measure it rather than the server */
		loadgen_bound: (cpu.user + cpu.system) / 1000 / (seconds * 1000) > 0.9
	};
}
