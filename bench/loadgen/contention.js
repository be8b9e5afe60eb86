// Whether a measured window was disturbed: CPU taken by other processes on our CPUs, run-queue
// waits, and the load generator's own event-loop delay.

import { performance } from 'node:perf_hooks';
import {
	allowedCpus,
	cpuSnapshot,
	foreignCpuPercent,
	postgresBackendPids,
	schedstat
} from '../lib/procstat.js';
import { cfg } from './config.js';
import { round } from './output.js';

/**
 * Our CPUs (the server's and ours) and our processes (server, us, the runner that started us,
 * and in scenario 8 the other server, Redis and our database's PostgreSQL backends, looked up
 * at each snapshot because the pool may open connections as the load grows).
 */
const watched = (() => {
	const pids = [process.pid, process.ppid, ...cfg.alsoOursPids];
	const cpus = new Set(allowedCpus(process.pid) ?? []);
	return {
		/** @param {number} serverPid */
		with(serverPid) {
			for (const c of allowedCpus(serverPid) ?? []) cpus.add(c);
			const all = [...new Set([...pids, ...postgresBackendPids(cfg.alsoOursPostgres)])];
			return { cpus: [...cpus], pids: serverPid ? [serverPid, ...all] : all };
		}
	};
})();

export function schedSnapshot() {
	const w = watched.with(cfg.serverPid);
	return {
		at: performance.now(),
		self: schedstat(process.pid),
		server: cfg.serverPid ? schedstat(cfg.serverPid) : null,
		cpu: cpuSnapshot(w.cpus, w.pids)
	};
}

/**
 * Whether another process took CPU from the server or from us during a window: CPU time spent
 * on our CPUs by anything but our processes (/proc/stat minus /proc/<pid>/stat), in % of one
 * core. The run-queue wait of the two main threads (/proc/<pid>/schedstat) is reported too; it
 * also counts a process's own helper threads, so it only informs.
 * @param {ReturnType<typeof schedSnapshot>} a
 */
export function contentionSince(a) {
	const b = schedSnapshot();
	const wall = (b.at - a.at) * 1e6; // ns
	/** @param {{ wait: number } | null} x @param {{ wait: number } | null} y */
	const pct = (x, y) => (x && y && wall > 0 ? round(((y.wait - x.wait) / wall) * 100) : null);
	const foreign = foreignCpuPercent(a.cpu, b.cpu);
	return {
		runqueue_wait_pct: { server: pct(a.server, b.server), loadgen: pct(a.self, b.self) },
		foreign_cpu_pct: foreign,
		contended: (foreign ?? 0) > cfg.contendedForeignPct
	};
}

export const LOOP_RES_MS = 5;
/** Event-loop delay beyond the sampling interval (ms), a sign of an overloaded load generator. @param {import('node:perf_hooks').IntervalHistogram} h */
export function loopP99(h) {
	return round(Math.max(0, h.percentile(99) / 1e6 - LOOP_RES_MS));
}
