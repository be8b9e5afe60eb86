// CPU and memory of another process, read from /proc (Linux). Everything degrades to nulls
// elsewhere so the benchmark still runs, just without server-side figures.

import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clkTck = 100;
try {
	clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
	/* default */
}

/**
 * utime/stime in seconds (all threads), or null.
 * @param {number} pid
 */
export function cpuTimes(pid) {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name may contain spaces; fields after the closing parenthesis are fixed.
		const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// rest[0] is field 3 (state); utime is field 14, stime field 15.
		return {
			user: Number(rest[11]) / clkTck,
			system: Number(rest[12]) / clkTck,
			at: performance.now()
		};
	} catch {
		return null;
	}
}

/**
 * Resident memory in bytes (VmRSS) and the peak (VmHWM), or null.
 * @param {number} pid
 */
export function memory(pid) {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (/** @type {string} */ key) => {
			const m = status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
			return m ? Number(m[1]) * 1024 : null;
		};
		return {
			rss: kb('VmRSS'),
			hwm: kb('VmHWM'),
			threads: Number(status.match(/^Threads:\s+(\d+)/m)?.[1] ?? 0)
		};
	} catch {
		return null;
	}
}

/**
 * Open file descriptors of a process: total and sockets.
 * @param {number} pid
 */
export function fdCounts(pid) {
	try {
		const fds = readdirSync(`/proc/${pid}/fd`);
		let sockets = 0;
		for (const fd of fds) {
			try {
				if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
			} catch {
				/* closed meanwhile */
			}
		}
		return { fds: fds.length, sockets };
	} catch {
		return null;
	}
}

/**
 * CPU % between two cpuTimes() samples (100 % = one core), split into user and system.
 * @param {ReturnType<typeof cpuTimes>} a @param {ReturnType<typeof cpuTimes>} b
 */
export function cpuPercent(a, b) {
	if (!a || !b) return null;
	const wall = (b.at - a.at) / 1000;
	if (wall <= 0) return null;
	const r = (/** @type {number} */ v) => Math.round(v * 10) / 10;
	return {
		total: r(((b.user - a.user + b.system - a.system) / wall) * 100),
		user: r(((b.user - a.user) / wall) * 100),
		system: r(((b.system - a.system) / wall) * 100)
	};
}

/**
 * Samples RSS every `intervalMs` until stopped; returns peak and last.
 * @param {number} pid @param {number} [intervalMs]
 */
export function startMemorySampler(pid, intervalMs = 250) {
	let peak = 0;
	let last = 0;
	let samples = 0;
	const timer = setInterval(() => {
		const m = memory(pid);
		if (m?.rss) {
			samples++;
			last = m.rss;
			if (m.rss > peak) peak = m.rss;
		}
	}, intervalMs);
	timer.unref();
	return {
		stop() {
			clearInterval(timer);
			const m = memory(pid);
			if (m?.rss) {
				last = m.rss;
				if (m.rss > peak) peak = m.rss;
			}
			return { rss_peak_mb: mb(peak), rss_last_mb: mb(last), samples };
		}
	};
}

/** @param {number} bytes */
export function mb(bytes) {
	return Math.round((bytes / 1048576) * 10) / 10;
}
