// The runner's side of the load generator: bench/loadgen.js started in its own process on
// the load CPU, its JSON lines read back, and the server's CPU and memory sampled for each
// window the load generator announces.

import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { track } from './children.js';
import { LOAD_CPU, wrap } from './machine.js';
import { BENCH, ROOT } from './paths.js';
import {
	allowedCpus,
	cpuPercent,
	cpuSnapshot,
	cpuTimes,
	foreignCpuPercent,
	startMemorySampler
} from './procstat.js';

/**
 * Runs bench/loadgen.js pinned to the load CPU; events arrive through `onEvent`.
 * @param {Record<string, unknown>} cfg
 * @param {{ serverPid?: number, onEvent?: (ev: any) => void, label: string }} o
 */
export function runLoadgen(cfg, o) {
	const config = { ...cfg, serverPid: o.serverPid ?? 0, exitOnStdinEnd: true };
	// BENCH_LOADGEN_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/lg") profiles the load generators.
	const nodeArgs = (process.env.BENCH_LOADGEN_NODE_ARGS ?? '').split(' ').filter(Boolean);
	const [cmd, args] = wrap(LOAD_CPU, [
		process.execPath,
		...nodeArgs,
		path.join(BENCH, 'loadgen.js'),
		'--config',
		JSON.stringify(config)
	]);
	const child = spawn(cmd, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
	track(child);
	/** @type {any} */
	let result = null;
	/** @type {string[]} */
	const errTail = [];
	readline.createInterface({ input: child.stdout }).on('line', (line) => {
		/** @type {any} */
		let ev;
		try {
			ev = JSON.parse(line);
		} catch {
			return;
		}
		if (ev.ev === 'result') result = ev;
		o.onEvent?.(ev);
	});
	readline.createInterface({ input: child.stderr }).on('line', (line) => {
		errTail.push(line);
		if (errTail.length > 30) errTail.shift();
		process.stderr.write(`  ${o.label} ${line.replace(/^\[loadgen\] /, '')}\n`);
	});
	const hardLimit = setTimeout(() => child.kill('SIGKILL'), 3600_000);
	/** @type {Promise<{ result: any, code: number | null, stderr: string }>} */
	const done = new Promise((resolve) =>
		child.on('exit', (code) => {
			clearTimeout(hardLimit);
			resolve({ result, code, stderr: errTail.join('\n') });
		})
	);
	return {
		pid: child.pid,
		done,
		stop: () => child.stdin.write('stop\n'),
		/** A command line on the load generator's stdin (restart mode: `expect <ids>`). */
		tell: (/** @type {string} */ line) => child.stdin.write(`${line}\n`)
	};
}

/**
 * Server CPU % and peak RSS for each measured window (step_start … window_end).
 * @param {import('./servers.js').Server} server
 */
export function stepSampler(server) {
	/** @type {Map<string, any>} */
	const samples = new Map();
	/** @type {{ t0: ReturnType<typeof cpuTimes>, mem: ReturnType<typeof startMemorySampler> } | null} */
	let cur = null;
	return {
		/** @param {any} ev */
		onEvent(ev) {
			if (ev.ev === 'step_start')
				cur = { t0: cpuTimes(server.pid), mem: startMemorySampler(server.pid) };
			else if (ev.ev === 'window_end' && cur) {
				const cpu = cpuPercent(cur.t0, cpuTimes(server.pid));
				const m = cur.mem.stop();
				samples.set(`${ev.step}:${ev.attempt ?? 0}`, {
					server_cpu_pct: cpu,
					server_rss_mb: m.rss_peak_mb
				});
				cur = null;
			}
		},
		/** @param {any[]} steps */
		attach(steps) {
			for (const s of steps) Object.assign(s, samples.get(`${s.step}:${s.attempt ?? 0}`) ?? {});
		}
	};
}

/**
 * Whether other processes took CPU on the server's and the load generator's CPUs from now
 * until the returned function is called (see contentionSince in loadgen/contention.js).
 * @param {number} serverPid @param {number | undefined} loadgenPid
 */
export function waitMeter(serverPid, loadgenPid) {
	const pids = [serverPid, process.pid, ...(loadgenPid ? [loadgenPid] : [])];
	const cpus = [...new Set(pids.flatMap((p) => allowedCpus(p) ?? []))];
	const a = cpuSnapshot(cpus, pids);
	return () => {
		const foreign = foreignCpuPercent(a, cpuSnapshot(cpus, pids));
		return { foreign_cpu_pct: foreign, contended: (foreign ?? 0) > 8 };
	};
}
