// Counters shared by every client and every mode of one load generator run, and the per-step
// accounting. They end up in the final {"ev":"result"} line.

import { performance } from 'node:perf_hooks';
import { Histogram } from '../lib/histogram.js';

export const counters = {
	/** @type {Record<string, number>} `error` events from the server, by content.code */
	errorsByCode: {},
	/** @type {Record<string, number>} closes of ready connections, by close code */
	closesByCode: {},
	/** @type {Record<string, number>} failures before ready, by reason */
	connectFailures: {},
	/** @type {Record<string, number>} every non-bench event received after ready */
	eventsByType: {},
	orderViolations: 0,
	readyWithoutHistory: 0,
	parseErrors: 0,
	totalFrames: 0,
	/** @type {string[]} */
	notes: []
};

/** Flags and running figures that the modes and the frame handler both read or move. */
export const live = {
	stopRequested: false,
	/** set just before the sockets are terminated at the end: closes then are not errors */
	shuttingDown: false,
	/** clients that are ready and still open */
	readyOpen: 0,
	/** restart mode: the ids of general every client must have received (from stdin) */
	/** @type {number[] | null} */
	expectedIds: null,
	lastFrameAt: performance.now(),
	/** deliveries and acks are counted per measured window (warmup and drain excluded) */
	windowOpen: false,
	windowDeliveries: 0,
	windowAcks: 0
};

/** @param {Record<string, number>} map @param {string} key */
export const bump = (map, key) => (map[key] = (map[key] ?? 0) + 1);

/** Every step attempt (warmup and retries included) has a tag, carried in the message content. */
/** @type {StepStats[]} */
export const tagStats = [];

/**
 * Per-step accounting. Messages carry their step in the content, so late deliveries are
 * attributed to the step that sent them.
 */
export class StepStats {
	/** @param {number} index @param {number} rate @param {number} expectedPerMsg */
	constructor(index, rate, expectedPerMsg) {
		this.index = index;
		this.tag = tagStats.length;
		tagStats.push(this);
		this.rate = rate;
		this.expectedPerMsg = expectedPerMsg;
		this.sent = 0;
		this.sendFailed = 0;
		this.received = 0;
		this.latency = new Histogram();
		this.sendLag = new Histogram();
		this.acked = 0;
		this.ackLatency = new Histogram();
	}
}
