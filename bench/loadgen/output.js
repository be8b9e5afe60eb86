// What the load generator says: one JSON object per line on stdout for the runner, progress
// for people on stderr. Plus the small time and rounding helpers every mode uses.

import { performance } from 'node:perf_hooks';

/** @param {Record<string, unknown>} obj */
export function emit(obj) {
	process.stdout.write(JSON.stringify(obj) + '\n');
}
/** @param {string} msg */
export function log(msg) {
	process.stderr.write(`[loadgen] ${msg}\n`);
}
export const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
/** Absolute wall-clock time in ms with sub-millisecond precision (carried in each message). */
export const nowAbs = () => performance.timeOrigin + performance.now();

/** @param {number} v */
export function round(v) {
	return Math.round(v * 100) / 100;
}
/** @param {number} v */
export function round4(v) {
	return Math.round(v * 10000) / 10000;
}
