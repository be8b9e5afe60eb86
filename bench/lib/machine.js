// The machine the benchmark runs on: CPU pinning (server on CPU 0, load generator on CPU 1,
// with taskset when there are two CPUs), the file-descriptor limit, and the description that
// goes into every result.

import { spawnSync } from 'node:child_process';
import os from 'node:os';

const cpuCount = os.cpus().length;
const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
const pin = hasTaskset && cpuCount >= 2;
export const SERVER_CPU = '0';
export const LOAD_CPU = String(Math.min(1, cpuCount - 1));
const hasBash = spawnSync('bash', ['-c', 'true'], { stdio: 'ignore' }).status === 0;
const hardNoFile = hasBash
	? spawnSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim()
	: '';

/** The orchestrator only samples and waits; keep it off the server's core too. */
export function pinRunner() {
	if (pin)
		spawnSync('taskset', ['-a', '-p', '-c', LOAD_CPU, String(process.pid)], { stdio: 'ignore' });
}

/**
 * The command line for a child: file-descriptor limit raised to the hard limit (10,000
 * sockets need it), pinned to one CPU when possible.
 * @param {string} cpu @param {string[]} argv @returns {[string, string[]]}
 */
export function wrap(cpu, argv) {
	const pinned = pin ? ['taskset', '-c', cpu, ...argv] : argv;
	if (!hasBash) return [pinned[0], pinned.slice(1)];
	return ['bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'bench', ...pinned]];
}

export function machineInfo() {
	const cpus = os.cpus();
	return {
		cpu_model: cpus[0]?.model?.trim() ?? 'unknown',
		cpus: cpus.length,
		cpu_mhz: cpus[0]?.speed ?? null,
		total_memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
		hostname_hash: hash(os.hostname()),
		pinning: pin
			? `server on CPU ${SERVER_CPU}, load generator on CPU ${LOAD_CPU} (taskset)`
			: 'none (taskset missing or one CPU)',
		nofile_hard_limit: hardNoFile || null
	};
}

/** @param {string} s */
function hash(s) {
	let h = 0;
	for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
	return (h >>> 0).toString(16);
}
