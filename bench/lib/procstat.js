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
 * CPU seconds of every thread of a process in nanosecond resolution (the first field of
 * /proc/<pid>/task/<tid>/schedstat), or null. /proc/<pid>/stat counts in clock ticks (10 ms),
 * too coarse for a process that works a few hundred microseconds per second, like Redis
 * relaying tens of messages per second. Threads that ended meanwhile are not counted.
 * @param {number} pid
 */
export function cpuSecondsPrecise(pid) {
	try {
		let ns = 0;
		for (const tid of readdirSync(`/proc/${pid}/task`)) {
			try {
				ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
			} catch {
				/* thread gone */
			}
		}
		return ns / 1e9;
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

/**
 * Scheduler statistics of a process's main thread: ns on a CPU and ns waiting for one.
 * @param {number} pid
 */
export function schedstat(pid) {
	try {
		const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8')
			.trim()
			.split(' ')
			.map(Number);
		return { run, wait };
	} catch {
		return null;
	}
}

/** Busy and total jiffies of each CPU from /proc/stat. */
function cpuJiffies() {
	try {
		return readFileSync('/proc/stat', 'utf8')
			.split('\n')
			.filter((l) => /^cpu\d+ /.test(l))
			.map((l) => {
				const f = l.trim().split(/\s+/).slice(1).map(Number);
				const idle = f[3] + (f[4] ?? 0);
				const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
				return { busy: total - idle, total };
			});
	} catch {
		return null;
	}
}

/**
 * Busy % of the busiest CPU over `ms` (100 = one core fully used), or null off Linux.
 * @param {number} ms
 */
export async function busiestCpuPercent(ms) {
	const a = cpuJiffies();
	await new Promise((r) => setTimeout(r, ms));
	const b = cpuJiffies();
	if (!a || !b || a.length !== b.length) return null;
	let worst = 0;
	for (let i = 0; i < a.length; i++) {
		const total = b[i].total - a[i].total;
		if (total > 0) worst = Math.max(worst, ((b[i].busy - a[i].busy) / total) * 100);
	}
	return Math.round(worst);
}

/**
 * Waits (at most maxMs) until no CPU is busier than `thresholdPct` over a 1 s sample: the
 * benchmark's own processes are idle at that moment, so what remains is someone else.
 * @param {number} maxMs @param {number} [thresholdPct] @param {(msg: string) => void} [log]
 * @returns {Promise<{ quiet: boolean, waited_s: number, busiest_cpu_pct: number | null }>}
 */
export async function waitQuiet(maxMs, thresholdPct = 15, log = () => {}) {
	const t0 = Date.now();
	let busy = await busiestCpuPercent(1000);
	let logged = false;
	while (busy != null && busy > thresholdPct && Date.now() - t0 < maxMs) {
		if (!logged)
			log(
				`machine busy (a CPU at ${busy}% from other processes); waiting up to ${Math.round(maxMs / 1000)} s for quiet`
			);
		logged = true;
		busy = await busiestCpuPercent(1000);
	}
	return {
		quiet: busy == null || busy <= thresholdPct,
		waited_s: Math.round((Date.now() - t0) / 100) / 10,
		busiest_cpu_pct: busy
	};
}

/**
 * Pids of the PostgreSQL backends serving one of the databases `names` on this machine: the
 * processes named `postgres` whose title ("postgres: 15/main: <user> <database> <client>
 * <state>") names it. Matching the command line alone would also find the load generator,
 * whose --config names the database.
 * @param {string[]} names
 */
export function postgresBackendPids(names) {
	if (!names.length) return [];
	/** @type {number[]} */
	const out = [];
	try {
		for (const entry of readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) continue;
			try {
				if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
				const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
				if (title.startsWith('postgres:') && names.some((n) => title.includes(` ${n} `)))
					out.push(Number(entry));
			} catch {
				/* gone */
			}
		}
	} catch {
		/* no /proc */
	}
	return out;
}

/** @param {string} list e.g. "0-1,3" @returns {number[]} */
function parseCpuList(list) {
	/** @type {number[]} */
	const out = [];
	for (const part of list.split(',')) {
		const [a, b] = part.trim().split('-').map(Number);
		if (Number.isInteger(a)) for (let c = a; c <= (Number.isInteger(b) ? b : a); c++) out.push(c);
	}
	return out;
}

/**
 * CPUs a process may run on (its affinity), or null.
 * @param {number} pid
 */
export function allowedCpus(pid) {
	try {
		const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Cpus_allowed_list:\s*(\S+)/m);
		return m ? parseCpuList(m[1]) : null;
	} catch {
		return null;
	}
}

/**
 * A snapshot for foreignCpuSince(): busy ticks of the given CPUs and CPU ticks of our processes.
 * @param {number[]} cpus @param {number[]} pids
 */
export function cpuSnapshot(cpus, pids) {
	/** @type {Map<number, number>} */
	const busy = new Map();
	try {
		for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
			const m = /^cpu(\d+) (.*)$/.exec(line);
			if (!m || !cpus.includes(Number(m[1]))) continue;
			const f = m[2].trim().split(/\s+/).map(Number);
			// Everything but idle and iowait: user, nice, system, irq, softirq, steal. A process's
			// own utime+stime includes the softirq work done in its context (loopback delivery).
			busy.set(Number(m[1]), f[0] + f[1] + f[2] + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0));
		}
	} catch {
		return null;
	}
	let ours = 0;
	// The kernel threads that finish network work deferred from our CPUs count as ours too.
	for (const pid of [...pids, ...softirqThreads(cpus)]) {
		const t = cpuTimes(pid);
		if (t) ours += (t.user + t.system) * clkTck;
	}
	return { at: performance.now(), busy: [...busy.values()].reduce((a, b) => a + b, 0), ours };
}

/** @type {Map<number, number | null>} */
const ksoftirqd = new Map();
/** Pids of ksoftirqd/<cpu> for the given CPUs (looked up once). @param {number[]} cpus */
function softirqThreads(cpus) {
	if (cpus.some((c) => !ksoftirqd.has(c))) {
		for (const c of cpus) ksoftirqd.set(c, null);
		try {
			for (const entry of readdirSync('/proc')) {
				if (!/^\d+$/.test(entry)) continue;
				try {
					const m = /^ksoftirqd\/(\d+)$/.exec(readFileSync(`/proc/${entry}/comm`, 'utf8').trim());
					if (m && ksoftirqd.has(Number(m[1]))) ksoftirqd.set(Number(m[1]), Number(entry));
				} catch {
					/* gone */
				}
			}
		} catch {
			/* no /proc */
		}
	}
	return cpus.map((c) => ksoftirqd.get(c)).filter((p) => typeof p === 'number');
}

/**
 * CPU time that processes other than ours took on our CPUs since `a`, in % of one core.
 * @param {ReturnType<typeof cpuSnapshot>} a @param {ReturnType<typeof cpuSnapshot>} b
 */
export function foreignCpuPercent(a, b) {
	if (!a || !b) return null;
	const wallTicks = ((b.at - a.at) / 1000) * clkTck;
	if (wallTicks <= 0) return null;
	const foreign = b.busy - a.busy - (b.ours - a.ours);
	return Math.round(Math.max(0, (foreign / wallTicks) * 100) * 10) / 10;
}
