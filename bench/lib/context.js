// What every scenario gets from the runner: the options, the temporary directory for its
// databases, and the two policies that depend on options (window length, quiet wait).

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log } from './log.js';
import { waitQuiet } from './procstat.js';

/** @typedef {ReturnType<typeof createBench>} Bench */

/** @param {import('./options.js').Options} opts */
export function createBench(opts) {
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'chat-bench-'));
	let dbCounter = 0;
	return {
		opts,
		tmp,
		newDbFile: (/** @type {string} */ label) => path.join(tmp, `${label}-${++dbCounter}.db`),
		/** the scenario's window length unless --duration overrides it */
		dur: (/** @type {number} */ d) => opts.duration ?? d,
		/** before a server starts, wait for other processes to calm down (not in the smoke run) */
		async quiet() {
			if (opts.smoke || opts.quietWait <= 0) return null;
			return waitQuiet(opts.quietWait * 1000, 15, log);
		}
	};
}
