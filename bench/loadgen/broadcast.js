// Broadcast mode: S senders × R msg/s into one room, every client receiving; optionally a
// sweep of rates until p99 or reach crosses its limit, then a bisection towards that point.

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { waitQuiet } from '../lib/procstat.js';
import { clients } from './client.js';
import { cfg, runTag } from './config.js';
import { settle } from './connect.js';
import { contentionSince, LOOP_RES_MS, loopP99, schedSnapshot } from './contention.js';
import { emit, log, round } from './output.js';
import { drain, sendSchedule, stepReport } from './sending.js';
import { counters, live, StepStats } from './state.js';

/** @typedef {import('./client.js').Client} Client */

/**
 * One measured window at one rate, then the drain.
 * @param {Client[]} senders @param {number} k @param {number} rate @param {number} attempt
 * @param {import('node:perf_hooks').IntervalHistogram} loopDelay
 */
async function broadcastStep(senders, k, rate, attempt, loopDelay) {
	const st = new StepStats(k, rate, live.readyOpen);
	emit({
		ev: 'step_start',
		step: k,
		attempt,
		rate_per_sender: rate,
		offered_deliveries_per_s: rate * senders.length * live.readyOpen,
		receivers: live.readyOpen
	});
	const cpu0 = process.cpuUsage();
	const sched0 = schedSnapshot();
	loopDelay.reset();
	live.windowDeliveries = 0;
	live.windowOpen = true;
	const t0 = performance.now();
	await sendSchedule(senders, rate, cfg.duration, st);
	const seconds = (performance.now() - t0) / 1000;
	live.windowOpen = false;
	const windowDeliv = live.windowDeliveries;
	const cpu = process.cpuUsage(cpu0);
	const contention = contentionSince(sched0);
	const loop = loopP99(loopDelay);
	emit({ ev: 'window_end', step: k, attempt, seconds: round(seconds) });
	const drainS = await drain(st, cfg.drain * 1000);
	const rep = {
		...stepReport(st, seconds, windowDeliv, cpu, loop),
		drain_s: drainS,
		attempt,
		...contention
	};
	emit({ ev: 'step_end', ...rep });
	log(
		`step ${k}${attempt ? ` (attempt ${attempt + 1})` : ''}: ${rate}/s/sender offered ${rep.offered_deliveries_per_s}/s ` +
			`delivered ${rep.delivered_per_s}/s reach ${rep.reach_pct}% p50 ${rep.latency_ms.p50} p99 ${rep.latency_ms.p99} ` +
			`max ${rep.latency_ms.max} ms (loadgen cpu ${rep.loadgen_cpu_pct}%, other processes ${contention.foreign_cpu_pct ?? '?'}% of a core)`
	);
	return rep;
}

export async function runBroadcast() {
	const senders = clients.filter((c) => c.ready && c.open).slice(0, cfg.senders);
	let goneNoted = false;
	/** No receiver or no sender left (the server closed them or died): nothing left to measure. */
	const allGone = () => {
		const gone = live.readyOpen === 0 || senders.every((c) => !c.open);
		if (gone && !goneNoted) {
			goneNoted = true;
			counters.notes.push('every connection (or every sender) was closed: steps stopped');
			log('every connection (or every sender) was closed: stopping');
		}
		return gone;
	};
	// Change mode: each sender remembers its own messages (every receiver sees every client_id,
	// so "own" is told by the prefix sendMessage gives it).
	if (cfg.changeEvery > 0)
		senders.forEach((c, i) => {
			c.recent = [];
			c.ownPrefix = `${runTag}-${i}-`;
		});
	if (senders.length < cfg.senders) counters.notes.push(`only ${senders.length} senders ready`);
	if (cfg.joinRoom && cfg.room !== 'general') await joinRoom();
	const rates = cfg.steps?.length ? cfg.steps : [cfg.rate];
	const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RES_MS });
	loopDelay.enable();
	if (cfg.warmup > 0 && !live.stopRequested) {
		const warmupStats = new StepStats(-1, rates[0], live.readyOpen);
		await sendSchedule(senders, rates[0], cfg.warmup, warmupStats);
		await drain(warmupStats, 2000);
		await settle();
	}
	/** @type {any[]} */
	const reports = [];
	const multi = rates.length > 1;
	const crosses = (/** @type {any} */ r) =>
		multi &&
		((r.latency_ms.p99 ?? Infinity) > cfg.stopP99Ms || (r.reach_pct ?? 0) < cfg.stopReachPct);
	/**
	 * One rate, repeated while contended: a contended window that also crossed the stop limits
	 * gets a few more tries, so that another process's build cannot pass for saturation.
	 * @param {number} k @param {number} rate
	 */
	const measure = async (k, rate) => {
		/** @type {any} */
		let rep = null;
		for (let attempt = 0; !live.stopRequested && !allGone(); attempt++) {
			const r = await broadcastStep(senders, k, rate, attempt, loopDelay);
			// Contention only ever makes a window look worse: keep the best attempt.
			if (
				!rep ||
				!r.contended ||
				(rep.contended && (r.latency_ms.p99 ?? Infinity) < (rep.latency_ms.p99 ?? Infinity))
			)
				rep = r;
			if (!r.contended) break;
			const limit = cfg.retryContended + (crosses(rep) ? 3 : 0);
			if (attempt >= limit) break;
			log(`step ${k} was contended (another process took CPU): settling and repeating it`);
			await settle();
			await waitQuiet(cfg.quietWaitS * 1000, 15, log);
		}
		return rep;
	};
	for (let k = 0; k < rates.length && !live.stopRequested; k++) {
		if (allGone()) break;
		const rep = await measure(k, rates[k]);
		if (!rep) break;
		reports.push(rep);
		if (crosses(rep)) {
			log(`step ${k} crossed p99 > ${cfg.stopP99Ms} ms or reach < ${cfg.stopReachPct}%`);
			// Narrow the saturation point between the last rate that held and this one.
			let lo = k > 0 ? rates[k - 1] : 0;
			let hi = rates[k];
			for (let i = 0; i < cfg.refine && lo > 0 && !live.stopRequested && !allGone(); i++) {
				const mid = Math.round(((lo + hi) / 2) * 4) / 4;
				if (mid <= lo || mid >= hi) break;
				await settle();
				const r = await measure(reports.length, mid);
				if (!r) break;
				reports.push(r);
				if (crosses(r)) hi = mid;
				else lo = mid;
			}
			break;
		}
		if (k + 1 < rates.length) await settle();
	}
	loopDelay.disable();
	return { steps: reports };
}

/**
 * Puts every ready client in `cfg.room` (the first creates it), so the measured chat is a room
 * of its own while other clients fill general (scenario 9's connect storm).
 */
async function joinRoom() {
	const ready = clients.filter((c) => c.ready && c.open);
	const joined = () => counters.eventsByType['room_joined'] ?? 0;
	ready[0]?.ws?.send(JSON.stringify({ type: 'create_room', name: cfg.room, topic: 'bench' }));
	const deadline = performance.now() + 30_000;
	while (joined() < 1 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
	for (const c of ready.slice(1)) c.ws?.send(JSON.stringify({ type: 'join_room', room: cfg.room }));
	while (joined() < ready.length && performance.now() < deadline)
		await new Promise((r) => setTimeout(r, 20));
	log(`${joined()}/${ready.length} clients in ${cfg.room}`);
}
