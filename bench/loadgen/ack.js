// Ack mode (commit throughput): S senders each keep up to `window` unacknowledged messages in
// flight; the acknowledgement is the sender's own echo carrying its client_id, which the
// server sends after the commit. Measures commits per second.

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { clients } from './client.js';
import { cfg, runTag } from './config.js';
import { settle } from './connect.js';
import { contentionSince, LOOP_RES_MS, loopP99, schedSnapshot } from './contention.js';
import { emit, log, round, sleep } from './output.js';
import { drain, sendMessage, stepReport } from './sending.js';
import { bump, live, StepStats } from './state.js';

/** @typedef {import('./client.js').Client} Client */

/** @type {StepStats | null} */
let ackStep = null;
let ackSending = false;
/** @type {Map<Client, number>} */
const senderIndex = new Map();

/** Refills a sender's window (called whenever one of its slots frees). @param {Client} c */
function onAck(c) {
	if (!ackSending || !ackStep || !c.outstanding) return;
	while (c.outstanding.size < cfg.window && ackSending) {
		if (sendMessage(c, ackStep.tag, senderIndex.get(c) ?? 0)) ackStep.sent++;
		else break;
	}
}

/**
 * Puts each sender in a room of its own (create_room), so the commit path is measured rather
 * than fan-out. Falls back to `general` when the server refuses.
 * @param {Client[]} senders
 */
async function prepareOwnRooms(senders) {
	let ok = 0;
	/** @type {Record<string, number>} */
	const failures = {};
	await Promise.all(
		senders.map(
			(c, i) =>
				new Promise((resolve) => {
					const name = `${runTag}-s${i}`
						.toLowerCase()
						.replace(/[^a-z0-9_-]/g, '')
						.slice(0, 32);
					const timer = setTimeout(() => done(false, 'timeout'), 5000);
					/** @param {boolean} success @param {string} [why] */
					const done = (success, why) => {
						clearTimeout(timer);
						c.waiter = null;
						if (success) {
							c.room = name;
							ok++;
						} else bump(failures, why ?? 'unknown');
						resolve(undefined);
					};
					c.waiter = (ev) => {
						const s = JSON.stringify(ev.content ?? '');
						if (
							(ev.type === 'room_created' || ev.type === 'room_joined') &&
							s.includes(`"${name}"`)
						)
							done(true);
						else if (ev.type === 'error') done(false, String(ev.content?.code ?? 'error'));
					};
					c.ws?.send(JSON.stringify({ type: 'create_room', name, topic: 'bench' }));
				})
		)
	);
	// Room creation notices go to everyone; let them pass before measuring.
	await settle();
	return { own_rooms: ok, failures };
}

export async function runAck() {
	const senders = clients.filter((c) => c.ready && c.open).slice(0, cfg.senders);
	senders.forEach((c, i) => senderIndex.set(c, i));
	let rooms = null;
	if (cfg.senderRooms === 'own') {
		rooms = await prepareOwnRooms(senders);
		emit({ ev: 'rooms', ...rooms });
		log(`own rooms: ${rooms.own_rooms}/${senders.length} ${JSON.stringify(rooms.failures)}`);
	}
	const inGeneral = senders.filter((c) => c.room === 'general').length;
	const receiversPerMsg = (/** @type {Client} */ c) => (c.room === 'general' ? live.readyOpen : 1);
	// Expected deliveries per message differ per sender when some rooms failed; use the mean.
	const expectedPerMsg =
		senders.reduce((a, c) => a + receiversPerMsg(c), 0) / Math.max(1, senders.length);
	for (const c of senders) {
		c.outstanding = new Map();
		c.onSlotFree = () => onAck(c);
	}
	const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RES_MS });
	loopDelay.enable();
	/** @type {StepStats | null} */
	let warmupStats = null;
	if (cfg.warmup > 0) {
		warmupStats = new StepStats(-1, 0, expectedPerMsg);
		ackStep = warmupStats;
		ackSending = true;
		for (const c of senders) onAck(c);
		await sleep(cfg.warmup * 1000);
		ackSending = false;
		await waitAcks(senders, 5000);
		await settle();
	}
	const st = new StepStats(0, 0, expectedPerMsg);
	ackStep = st;
	emit({ ev: 'step_start', step: 0, senders: senders.length, window: cfg.window });
	const cpu0 = process.cpuUsage();
	const sched0 = schedSnapshot();
	loopDelay.reset();
	live.windowDeliveries = 0;
	live.windowAcks = 0;
	live.windowOpen = true;
	ackSending = true;
	const t0 = performance.now();
	for (const c of senders) onAck(c);
	while (performance.now() - t0 < cfg.duration * 1000 && !live.stopRequested) await sleep(20);
	ackSending = false;
	const seconds = (performance.now() - t0) / 1000;
	live.windowOpen = false;
	const acksInWindow = live.windowAcks;
	const windowDeliv = live.windowDeliveries;
	const cpu = process.cpuUsage(cpu0);
	const contention = contentionSince(sched0);
	emit({ ev: 'window_end', step: 0, seconds: round(seconds) });
	const drainS = await waitAcks(senders, cfg.drain * 1000);
	await drain(st, 1000);
	const unacked = senders.reduce((a, c) => a + (c.outstanding?.size ?? 0), 0);
	const rep = {
		...stepReport(st, seconds, windowDeliv, cpu, loopP99(loopDelay)),
		drain_s: drainS,
		...contention,
		window: cfg.window,
		senders: senders.length,
		senders_in_general: inGeneral,
		acked: st.acked,
		unacked,
		acked_per_s: Math.round(acksInWindow / seconds),
		ack_latency_ms: st.ackLatency.summary(),
		client_id_prefix: `${runTag}-`
	};
	loopDelay.disable();
	emit({ ev: 'step_end', ...rep });
	log(
		`ack: ${rep.acked_per_s} acks/s, sent ${st.sent}, acked ${st.acked}, unacked ${unacked}, ack p50 ${rep.ack_latency_ms.p50} p99 ${rep.ack_latency_ms.p99} ms`
	);
	return {
		steps: [rep],
		rooms,
		warmup: warmupStats ? { sent: warmupStats.sent, acked: warmupStats.acked } : null
	};
}

/** @param {Client[]} senders @param {number} maxMs */
async function waitAcks(senders, maxMs) {
	const t0 = performance.now();
	while (performance.now() - t0 < maxMs && senders.some((c) => (c.outstanding?.size ?? 0) > 0))
		await sleep(20);
	return round((performance.now() - t0) / 1000);
}
