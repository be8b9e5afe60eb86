#!/usr/bin/env node
// `npm run bench`: runs the performance scenarios of issue 6 against the real server
// (`node server.js`) and, in the same run, against a bare `ws` broadcast server
// (bench/baseline-server.js), so the figures come with a ratio that survives a noisy machine.
//
// The server under test is pinned to CPU 0 and the load generator (bench/loadgen.js, its own
// process) to CPU 1 with taskset when there are two CPUs and taskset exists. Server CPU % and
// memory come from /proc. Results: bench/results/<time>.json, bench/results/latest.json,
// bench/results/latest.svg and the results section of docs/performance.md.
//
// Usage:
//   node bench/run.js                  every scenario (about 20 minutes)
//   node bench/run.js --smoke          ~10 s: scenario 1 shrunk, ours and baseline; exit 1 on failure
//   node bench/run.js --scenario 3     only scenario 3 (repeatable, or --scenario 1,2)
// Options:
//   --duration S          seconds per measured window (per rate step in scenario 3)
//   --target T            ours | baseline | both (default both; scenarios 5 and 6 are ours only)
//   --quiet-wait S        before each server start, wait up to S s for other processes to calm down (60)
//   --no-build            do not rebuild the SvelteKit app when its sources are newer than build/
//   --server-node-args A  extra node flags for our server, e.g. "--cpu-prof --cpu-prof-dir=prof"
//   --s3-rates LIST       per-sender rates of scenario 3 (default 1,...,10,12,...,20,24,...,40,48,56,64)
//   --s4-connections N    idle connections in scenario 4 (10000)
//   --s4-connect-timeout S  give up connecting scenario 4's clients after S s (900)
//   --s5-window K         unacknowledged messages per sender in scenario 5 (16)
//   --s6-rows N           messages seeded in scenario 6 (1000000)
//   --no-write            do not write results, chart or docs (the smoke run never writes them)
//   --keep                keep the temporary databases
//   --verbose             echo the servers' output

import { spawn, spawnSync } from 'node:child_process';
import {
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { register, waitHealthy } from './lib/http.js';
import { connectInspector } from './lib/inspector.js';
import {
	allowedCpus,
	cpuPercent,
	cpuSnapshot,
	cpuTimes,
	fdCounts,
	mb,
	foreignCpuPercent,
	memory,
	startMemorySampler,
	waitQuiet
} from './lib/procstat.js';
import { writeReports } from './lib/report.js';

/** SQLite helpers load better-sqlite3, which only scenarios 4–6 need (the smoke run does not). */
const sqlite = () => import('./lib/seed.js');

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const PASSWORD = 'bench-password-1';

// ---------------------------------------------------------------------------------------------
// Options

function parseOptions(argv) {
	const o = {
		smoke: false,
		/** @type {number[]} */ scenarios: [],
		/** @type {number | null} */ duration: null,
		target: 'both',
		quietWait: 60,
		build: true,
		serverNodeArgs: /** @type {string[]} */ ([]),
		s3Rates: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20, 24, 28, 32, 36, 40, 48, 56, 64],
		s4Connections: 10_000,
		s4Users: 200,
		s4ConnectTimeout: 900,
		s5Window: 16,
		s6Rows: 1_000_000,
		write: true,
		keep: false,
		verbose: false
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = () => (inline !== undefined ? inline : argv[++i]);
		switch (flag) {
			case '--smoke':
				o.smoke = true;
				break;
			case '--scenario':
				o.scenarios.push(...String(value()).split(',').map(Number));
				break;
			case '--duration':
				o.duration = Number(value());
				break;
			case '--target':
				o.target = String(value());
				break;
			case '--quiet-wait':
				o.quietWait = Number(value());
				break;
			case '--no-build':
				o.build = false;
				break;
			case '--server-node-args':
				o.serverNodeArgs = String(value()).split(/\s+/).filter(Boolean);
				break;
			case '--s3-rates':
				o.s3Rates = String(value()).split(',').map(Number);
				break;
			case '--s4-connections':
				o.s4Connections = Number(value());
				break;
			case '--s4-connect-timeout':
				o.s4ConnectTimeout = Number(value());
				break;
			case '--s4-users':
				o.s4Users = Number(value());
				break;
			case '--s5-window':
				o.s5Window = Number(value());
				break;
			case '--s6-rows':
				o.s6Rows = Number(value());
				break;
			case '--no-write':
				o.write = false;
				break;
			case '--keep':
				o.keep = true;
				break;
			case '--verbose':
				o.verbose = true;
				break;
			case '--help':
			case '-h':
				console.log(readFileHeader());
				process.exit(0);
				break;
			default:
				throw new Error(`unknown option ${argv[i]} (see --help)`);
		}
	}
	if (!['ours', 'baseline', 'both'].includes(o.target))
		throw new Error(`--target ours|baseline|both`);
	if (o.scenarios.some((n) => !(n >= 1 && n <= 6))) throw new Error('--scenario takes 1..6');
	if (o.duration !== null && !(o.duration > 0 && o.duration <= 600))
		throw new Error('--duration: 0 < S ≤ 600');
	return o;
}

function readFileHeader() {
	return readFileSync(fileURLToPath(import.meta.url), 'utf8')
		.split('\n')
		.filter((l) => l.startsWith('//'))
		.map((l) => l.replace(/^\/\/ ?/, ''))
		.join('\n');
}

const opts = parseOptions(process.argv.slice(2));
const log = (/** @type {string} */ msg) => process.stderr.write(`[bench] ${msg}\n`);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Machine, pinning, limits

const cpuCount = os.cpus().length;
const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
const pin = hasTaskset && cpuCount >= 2;
const SERVER_CPU = '0';
const LOAD_CPU = String(Math.min(1, cpuCount - 1));
const hasBash = spawnSync('bash', ['-c', 'true'], { stdio: 'ignore' }).status === 0;
const hardNoFile = hasBash
	? spawnSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim()
	: '';
if (pin) {
	// The orchestrator only samples and waits; keep it off the server's core too.
	spawnSync('taskset', ['-a', '-p', '-c', LOAD_CPU, String(process.pid)], { stdio: 'ignore' });
}

/**
 * The command line for a child: file-descriptor limit raised to the hard limit (10,000
 * sockets need it), pinned to one CPU when possible.
 * @param {string} cpu @param {string[]} argv @returns {[string, string[]]}
 */
function wrap(cpu, argv) {
	const pinned = pin ? ['taskset', '-c', cpu, ...argv] : argv;
	if (!hasBash) return [pinned[0], pinned.slice(1)];
	return ['bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'bench', ...pinned]];
}

function machineInfo() {
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

// ---------------------------------------------------------------------------------------------
// Servers

const TMP = mkdtempSync(path.join(os.tmpdir(), 'chat-bench-'));
let dbCounter = 0;
const newDbFile = (/** @type {string} */ label) => path.join(TMP, `${label}-${++dbCounter}.db`);

/** Children still running, killed if the runner itself is interrupted. */
/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
/** @param {import('node:child_process').ChildProcess} child */
function track(child) {
	children.add(child);
	child.on('exit', () => children.delete(child));
}
function killChildren() {
	for (const child of children) child.kill('SIGKILL');
}
process.on('exit', killChildren);
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
	process.on(sig, () => {
		log(`${sig}: stopping`);
		killChildren();
		if (!opts.keep) rmSync(TMP, { recursive: true, force: true });
		process.exit(130);
	});
}

/** @returns {Promise<number>} */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr ? addr.port : 0;
			srv.close(() => resolve(port));
		});
	});
}

/**
 * @typedef {Awaited<ReturnType<typeof startServer>>} Server
 */

/**
 * Starts `ours` (node server.js from the repository root) or `baseline`, pinned to the
 * server CPU, and waits for GET /healthz.
 * @param {'ours' | 'baseline'} kind
 * @param {{ env?: Record<string, string>, dbFile?: string, nodeArgs?: string[] }} [o]
 */
async function startServer(kind, o = {}) {
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	/** @type {string[]} */
	let argv;
	/** @type {NodeJS.ProcessEnv} */
	let env;
	const dbFile = o.dbFile ?? newDbFile(kind);
	if (kind === 'ours') {
		argv = [process.execPath, ...opts.serverNodeArgs, ...(o.nodeArgs ?? []), 'server.js'];
		env = {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: base,
			DATABASE_URL: dbFile,
			GUESTS: '1',
			REGISTER_PER_HOUR: '1000000',
			MAX_CONNECTIONS: '20000',
			// Every load-generator client is a guest on 127.0.0.1: lift the per-address caps and
			// the per-address guest send rate (issue 10), which would otherwise see one user.
			MAX_CONNECTIONS_PER_ADDRESS: '0',
			MAX_ANONYMOUS_PER_ADDRESS: '0',
			RATE_LIMIT_PER_SEC: '1000000',
			RATE_LIMIT_BURST: '1000000',
			LOG_LEVEL: 'warn',
			SKIP_BUILD: '1',
			SHUTDOWN_TIMEOUT_MS: '5000',
			...o.env
		};
	} else {
		argv = [
			process.execPath,
			...(o.nodeArgs ?? []),
			path.join(BENCH, 'baseline-server.js'),
			String(port)
		];
		env = { ...process.env, HOST: '127.0.0.1' };
	}
	const [cmd, args] = wrap(SERVER_CPU, argv);
	const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	track(child);
	/** @type {string[]} */
	const tail = [];
	const keep = (/** @type {string} */ line) => {
		tail.push(line);
		if (tail.length > 60) tail.shift();
		if (opts.verbose) process.stderr.write(`  [${kind}] ${line}\n`);
	};
	readline.createInterface({ input: child.stdout }).on('line', keep);
	readline.createInterface({ input: child.stderr }).on('line', keep);
	/** @type {{ code: number | null, signal: string | null } | null} */
	let exited = null;
	let stopping = false;
	const exitPromise = new Promise((resolve) =>
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			resolve(exited);
		})
	);
	try {
		await waitHealthy(base, 90_000, () => exited === null);
	} catch (err) {
		child.kill('SIGKILL');
		throw new Error(
			`${kind} server did not start: ${/** @type {Error} */ (err).message}\n${tail.join('\n')}`
		);
	}
	return {
		kind,
		pid: /** @type {number} */ (child.pid),
		port,
		base,
		wsUrl: `ws://127.0.0.1:${port}/ws`,
		dbFile,
		/** true when the process ended without being asked to */
		crashed: () => exited !== null && !stopping,
		exitInfo: () => exited,
		tail: () => tail.join('\n'),
		async stop() {
			if (exited) return exited;
			stopping = true;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exitPromise;
			clearTimeout(timer);
			return exited;
		}
	};
}

// ---------------------------------------------------------------------------------------------
// Load generator

/**
 * Runs bench/loadgen.js pinned to the load CPU; events arrive through `onEvent`.
 * @param {Record<string, unknown>} cfg
 * @param {{ serverPid?: number, onEvent?: (ev: any) => void, label: string }} o
 */
function runLoadgen(cfg, o) {
	const config = { ...cfg, serverPid: o.serverPid ?? 0, exitOnStdinEnd: true };
	const [cmd, args] = wrap(LOAD_CPU, [
		process.execPath,
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
		stop: () => child.stdin.write('stop\n')
	};
}

/**
 * Server CPU % and peak RSS for each measured window (step_start … window_end).
 * @param {Server} server
 */
function stepSampler(server) {
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
 * until the returned function is called (see contentionSince in loadgen.js).
 * @param {number} serverPid @param {number | undefined} loadgenPid
 */
function waitMeter(serverPid, loadgenPid) {
	const pids = [serverPid, process.pid, ...(loadgenPid ? [loadgenPid] : [])];
	const cpus = [...new Set(pids.flatMap((p) => allowedCpus(p) ?? []))];
	const a = cpuSnapshot(cpus, pids);
	return () => {
		const foreign = foreignCpuPercent(a, cpuSnapshot(cpus, pids));
		return { foreign_cpu_pct: foreign, contended: (foreign ?? 0) > 8 };
	};
}

/** @param {Server} server */
function reportCrash(server) {
	log(
		`${server.kind} server exited on its own (${JSON.stringify(server.exitInfo())}); its last output:\n${server.tail() || '(none)'}`
	);
}

async function quiet() {
	if (opts.smoke || opts.quietWait <= 0) return null;
	return waitQuiet(opts.quietWait * 1000, 15, log);
}

/**
 * One broadcast-mode load generator run against a fresh server.
 * @param {'ours' | 'baseline'} kind @param {Record<string, unknown>} lgCfg @param {Record<string, string>} [env]
 */
async function broadcastRun(kind, lgCfg, env = {}) {
	const q = await quiet();
	const server = await startServer(kind, { env });
	try {
		const sampler = stepSampler(server);
		const rss0 = memory(server.pid)?.rss ?? null;
		const lg = runLoadgen(
			{ url: server.wsUrl, ...lgCfg },
			{ serverPid: server.pid, onEvent: sampler.onEvent, label: `[${kind}]` }
		);
		const { result, code, stderr } = await lg.done;
		if (result?.steps) sampler.attach(result.steps);
		const crashed = server.crashed();
		if (crashed) reportCrash(server);
		return {
			kind,
			ok: !!result?.ok && code === 0 && !crashed,
			crashed,
			loadgen_exit: code,
			loadgen_error: result?.ok ? undefined : (result?.error ?? stderr.slice(-2000)),
			quiet: q,
			server_rss_start_mb: rss0 ? mb(rss0) : null,
			result,
			server_log_tail: crashed ? server.tail() : undefined,
			server_exit: crashed ? server.exitInfo() : undefined
		};
	} finally {
		await server.stop();
	}
}

// ---------------------------------------------------------------------------------------------
// Scenarios

const dur = (/** @type {number} */ d) => opts.duration ?? d;
/** @param {number | null | undefined} v @param {number} [digits] */
const fmt = (v, digits = 1) =>
	v == null ? '–' : Number(v).toLocaleString('en', { maximumFractionDigits: digits });

/** Errors worth failing on: error events, closes, connect failures, order violations. @param {any} r */
function problems(r) {
	if (!r) return ['no result'];
	/** @type {string[]} */
	const out = [];
	const count = (/** @type {Record<string, number>} */ m) =>
		Object.values(m ?? {}).reduce((a, b) => a + b, 0);
	if (count(r.errors_by_code)) out.push(`error events ${JSON.stringify(r.errors_by_code)}`);
	if (count(r.closes_by_code)) out.push(`closes ${JSON.stringify(r.closes_by_code)}`);
	if (count(r.connect_failures)) out.push(`connect failures ${JSON.stringify(r.connect_failures)}`);
	if (r.order_violations) out.push(`${r.order_violations} out-of-order deliveries`);
	return out;
}

/**
 * Summary of a single-step broadcast run (scenarios 1, 2 and the smoke run).
 * @param {any} run @param {{ p99: number }} goal
 */
function summarizeBroadcast(run, goal) {
	const step = run.result?.steps?.[0];
	if (!step)
		return {
			ok: false,
			pass: false,
			text: `no measurement (${run.loadgen_error ?? 'loadgen failed'})`,
			run
		};
	const issues = problems(run.result);
	if (run.crashed) issues.unshift('server crashed');
	const pass =
		run.ok &&
		step.reach_pct === 100 &&
		(step.latency_ms.p99 ?? Infinity) <= goal.p99 &&
		issues.length === 0;
	const text =
		`p99 ${fmt(step.latency_ms.p99, 2)} ms (p50 ${fmt(step.latency_ms.p50, 2)}, max ${fmt(step.latency_ms.max)}), reach ${fmt(step.reach_pct, 3)} %, ` +
		`${fmt(step.delivered_per_s, 0)} deliveries/s, connect p99 ${fmt(run.result.connected?.connect_ms?.p99)} ms, ` +
		`server CPU ${fmt(step.server_cpu_pct?.total)} %, RSS ${fmt(step.server_rss_mb)} MB` +
		(step.contended ? ' ⚠ contended' : '') +
		(issues.length ? `; ${issues.join('; ')}` : '');
	return {
		ok: run.ok,
		pass,
		text,
		p50_ms: step.latency_ms.p50,
		p99_ms: step.latency_ms.p99,
		max_ms: step.latency_ms.max,
		reach_pct: step.reach_pct,
		delivered_per_s: step.delivered_per_s,
		server_cpu_pct: step.server_cpu_pct?.total ?? null,
		contended: !!step.contended,
		issues,
		run
	};
}

/** @param {number} clients @param {number} senders @param {number} rate @param {number} seconds @param {{ p99: number }} goal */
function broadcastScenario(clients, senders, rate, seconds, goal, extra = {}) {
	return async (/** @type {'ours' | 'baseline'} */ kind) => {
		const run = await broadcastRun(kind, {
			mode: 'broadcast',
			clients,
			senders,
			rate,
			duration: seconds,
			warmup: 1,
			drain: 5,
			connectConcurrency: 100,
			settleMaxMs: 60_000,
			...extra
		});
		return summarizeBroadcast(run, goal);
	};
}

/** Scenario 3: rate steps until p99 > 100 ms or reach < 99.9 %. @param {'ours' | 'baseline'} kind */
async function scenario3(kind) {
	const run = await broadcastRun(
		kind,
		{
			mode: 'broadcast',
			clients: 1000,
			senders: 10,
			steps: opts.s3Rates,
			duration: dur(5),
			warmup: 1,
			drain: 5,
			stopP99Ms: 100,
			stopReachPct: 99.9,
			connectConcurrency: 100,
			settleMaxMs: 60_000
		},
		{ RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' }
	);
	const steps = run.result?.steps ?? [];
	const passing = steps.filter(
		(s) => (s.latency_ms.p99 ?? Infinity) <= 100 && (s.reach_pct ?? 0) >= 99.9
	);
	const best = passing.reduce(
		(a, s) => (!a || s.delivered_per_s > a.delivered_per_s ? s : a),
		null
	);
	// The lowest rate that crossed the limits (with refinement there can be several).
	const failing = steps
		.filter((s) => !passing.includes(s))
		.sort((a, b) => a.rate_per_sender - b.rate_per_sender)[0];
	const issues = problems(run.result).filter((p) => !p.startsWith('closes')); // overload may close slow consumers
	if (run.crashed) issues.unshift('server crashed');
	const saturation = best?.delivered_per_s ?? 0;
	const text =
		(best
			? `${fmt(saturation, 0)} deliveries/s at p99 ${fmt(best.latency_ms.p99, 1)} ms (reach ${fmt(best.reach_pct, 3)} %, server CPU ${fmt(best.server_cpu_pct?.total)} %)`
			: 'no step met p99 ≤ 100 ms and reach ≥ 99.9 %') +
		(failing
			? `; next step offered ${fmt(failing.offered_deliveries_per_s, 0)}/s → delivered ${fmt(failing.delivered_per_s, 0)}/s, p99 ${fmt(failing.latency_ms.p99, 0)} ms, reach ${fmt(failing.reach_pct, 2)} %`
			: '; never saturated (raise --s3-rates)') +
		(steps.some((s) => s.contended) ? ' ⚠ some steps contended' : '') +
		((failing ?? best)?.loadgen_bound && ((failing ?? best).server_cpu_pct?.total ?? 0) < 90
			? ' ⚠ load generator near 100 % CPU while the server was not: the limit may be its own'
			: '') +
		(issues.length ? `; ${issues.join('; ')}` : '');
	return {
		ok: run.ok,
		pass: null, // decided against the baseline below
		text,
		saturation_deliveries_per_s: saturation,
		saturated: !!failing,
		saturation_p99_ms: best?.latency_ms.p99 ?? null,
		saturation_server_cpu_pct: best?.server_cpu_pct ?? null,
		sweep: [...steps]
			.sort((a, b) => a.rate_per_sender - b.rate_per_sender)
			.map((s) => ({
				rate_per_sender: s.rate_per_sender,
				offered: s.offered_deliveries_per_s,
				delivered: s.delivered_per_s,
				p50: s.latency_ms.p50,
				p99: s.latency_ms.p99,
				reach: s.reach_pct,
				server_cpu: s.server_cpu_pct?.total ?? null,
				loadgen_cpu: s.loadgen_cpu_pct,
				contended: !!s.contended
			})),
		issues,
		run
	};
}

/** Scenario 4: idle logged-in connections, server memory per connection. @param {'ours' | 'baseline'} kind */
async function scenario4(kind) {
	const n = opts.s4Connections;
	const q = await quiet();
	/** @type {Record<string, unknown>} */
	const auth = { auth: 'guest' };
	/** @type {string[]} */
	const notes = [];
	let dbFile = newDbFile(`s4-${kind}`);
	// The measured server runs with the inspector on loopback, so that a full garbage collection
	// can be forced before each memory sample.
	const inspectPort = await freePort();
	const inspectArgs = [`--inspect=127.0.0.1:${inspectPort}`];
	let server = await startServer(kind, {
		dbFile,
		nodeArgs: kind === 'baseline' ? inspectArgs : []
	});
	if (kind === 'ours') {
		// Registering 10,000 accounts through the API costs an argon2 hash each (minutes). Instead:
		// register one, check the session scheme against what the server stored, then seed the
		// accounts and sessions straight into the stopped server's database.
		const reg = await register(server.base, 'bench_seed', PASSWORD);
		const pairs = reg.cookie.split('; ').map((kv) => kv.split(/=(.*)/s, 2));
		await server.stop();
		const { sessionSchemeMatches, seedSessions } = await sqlite();
		const match = pairs.find(
			([, value]) => value && sessionSchemeMatches(dbFile, decodeURIComponent(value))
		);
		if (match && reg.user?.id) {
			const seeded = seedSessions(dbFile, { count: n, prefix: 'idle', fromUserId: reg.user.id });
			const cookieFile = path.join(TMP, 's4-cookies.json');
			writeFileSync(cookieFile, JSON.stringify(seeded.tokens.map((t) => `${match[0]}=${t}`)));
			Object.assign(auth, { auth: 'cookies', cookieFile });
			notes.push(`${n} accounts and sessions seeded into SQLite in ${seeded.seconds} s`);
		} else {
			Object.assign(auth, { auth: 'register', users: Math.min(opts.s4Users, n) });
			notes.push(
				`session scheme not recognised; ${Math.min(opts.s4Users, n)} accounts registered through the API, ${Math.ceil(n / Math.min(opts.s4Users, n))} connections each`
			);
		}
		server = await startServer('ours', { dbFile, nodeArgs: inspectArgs });
	}
	/** @type {Awaited<ReturnType<typeof connectInspector>> | null} */
	let inspector = null;
	try {
		inspector = await connectInspector(inspectPort);
	} catch (err) {
		notes.push(`no forced GC (${/** @type {Error} */ (err).message}): memory includes garbage`);
	}
	const collect = async () => {
		try {
			await inspector?.gc();
			return (await inspector?.memoryUsage()) ?? null;
		} catch {
			return null;
		}
	};
	try {
		await sleep(2000);
		const heapBefore = await collect();
		const before = memory(server.pid);
		const fdsBefore = fdCounts(server.pid);
		/** @type {(v?: unknown) => void} */
		let onReady = () => {};
		const ready = new Promise((r) => (onReady = r));
		const cpu0 = cpuTimes(server.pid);
		const lg = runLoadgen(
			{
				url: server.wsUrl,
				mode: 'idle',
				clients: n,
				senders: 0,
				...auth,
				connectConcurrency: 100,
				connectTimeoutMs: 60_000,
				connectPhaseTimeoutMs: opts.s4ConnectTimeout * 1000,
				localAddresses: Math.max(1, Math.ceil(n / 5000)),
				settleQuietMs: 1000,
				settleMaxMs: 120_000,
				holdMaxS: 180
			},
			{
				serverPid: server.pid,
				label: `[${kind}]`,
				onEvent: (ev) => ev.ev === 'ready' && onReady(ev)
			}
		);
		const meter = waitMeter(server.pid, lg.pid);
		const first = await Promise.race([ready.then(() => 'ready'), lg.done.then(() => 'done')]);
		const connectCpu = cpuPercent(cpu0, cpuTimes(server.pid));
		const contention = meter();
		/** @type {number[]} */
		const rss = [];
		let fds = null;
		/** @type {NodeJS.MemoryUsage | null} */
		let heapAfter = null;
		if (first === 'ready') {
			await sleep(3000);
			heapAfter = await collect();
			for (let i = 0; i < 5; i++) {
				const m = memory(server.pid);
				if (m?.rss) rss.push(m.rss);
				await sleep(1000);
			}
			fds = fdCounts(server.pid);
			lg.stop();
		}
		const { result, code, stderr } = await lg.done;
		const crashed = server.crashed();
		if (crashed) reportCrash(server);
		rss.sort((a, b) => a - b);
		const after = rss.length ? rss[Math.floor(rss.length / 2)] : null;
		const open = result?.open_at_end ?? 0;
		const perConnKb = after && before?.rss && open ? (after - before.rss) / open / 1024 : null;
		const heapPerConnKb =
			heapAfter && heapBefore && open
				? (heapAfter.heapUsed - heapBefore.heapUsed) / open / 1024
				: null;
		const issues = problems(result).filter((p) => !p.startsWith('closes') || crashed);
		if (crashed) issues.unshift('server crashed');
		if (open < n) issues.push(`${open}/${n} connections open`);
		const pass =
			kind === 'ours' ? perConnKb != null && perConnKb <= 20 && open === n && !crashed : null;
		const text =
			perConnKb == null
				? `no measurement (${result?.error ?? stderr.slice(-300)})`
				: `${fmt(perConnKb, 1)} KB per connection${inspector ? ' after a forced GC' : ''} (RSS ${fmt(mb(before?.rss ?? 0))} → ${fmt(mb(after ?? 0))} MB with ${fmt(open, 0)} open` +
					(heapPerConnKb != null ? `, of which V8 heap ${fmt(heapPerConnKb, 1)} KB` : '') +
					`; ${fmt(fds?.sockets ?? null, 0)} server sockets), connected in ${fmt(result?.connected?.seconds)} s (server CPU ${fmt(connectCpu?.total)} %${contention.contended ? ', ⚠ contended' : ''}), connect p99 ${fmt(result?.connected?.connect_ms?.p99)} ms` +
					(issues.length ? `; ${issues.join('; ')}` : '');
		return {
			ok: !!result?.ok && code === 0 && !crashed,
			pass,
			text,
			...contention,
			per_connection_kb: perConnKb == null ? null : Math.round(perConnKb * 10) / 10,
			rss_before_mb: before?.rss ? mb(before.rss) : null,
			rss_after_mb: after ? mb(after) : null,
			heap_per_connection_kb: heapPerConnKb == null ? null : Math.round(heapPerConnKb * 10) / 10,
			memory_usage_before: heapBefore,
			memory_usage_after: heapAfter,
			open,
			server_fds: fds,
			server_fds_before: fdsBefore,
			server_cpu_connect_phase_pct: connectCpu,
			notes,
			issues,
			run: {
				kind,
				quiet: q,
				result,
				loadgen_exit: code,
				crashed,
				server_log_tail: crashed ? server.tail() : undefined
			}
		};
	} finally {
		inspector?.close();
		await server.stop();
	}
}

/** Scenario 5: commit throughput with acknowledgements. */
async function scenario5() {
	const q = await quiet();
	const server = await startServer('ours', {
		env: { RATE_LIMIT_PER_SEC: '1000000', RATE_LIMIT_BURST: '1000000' }
	});
	try {
		const sampler = stepSampler(server);
		const lg = runLoadgen(
			{
				url: server.wsUrl,
				mode: 'ack',
				clients: 50,
				senders: 50,
				window: opts.s5Window,
				duration: dur(10),
				warmup: 1,
				drain: 15,
				senderRooms: 'own',
				retryContended: 0
			},
			{ serverPid: server.pid, onEvent: sampler.onEvent, label: '[ours]' }
		);
		const { result, code, stderr } = await lg.done;
		const step = result?.steps?.[0];
		if (step) sampler.attach([step]);
		const crashed = server.crashed();
		if (crashed) reportCrash(server);
		let db = null;
		if (step && !crashed) {
			const { countMessagesWithClientPrefix } = await sqlite();
			db = countMessagesWithClientPrefix(server.dbFile, step.client_id_prefix);
		}
		const ackedTotal = (step?.acked ?? 0) + (result?.warmup?.acked ?? 0);
		const sentTotal = (step?.sent ?? 0) + (result?.warmup?.sent ?? 0);
		const issues = problems(result);
		if (crashed) issues.unshift('server crashed');
		if (db && db.matching < ackedTotal)
			issues.push(`${ackedTotal - db.matching} acknowledged messages missing from SQLite`);
		if (step?.unacked) issues.push(`${step.unacked} messages never acknowledged`);
		if (step && step.senders_in_general)
			issues.push(
				`${step.senders_in_general} senders could not get a room of their own (fan-out to general)`
			);
		const perS = step?.acked_per_s ?? 0;
		const pass =
			!!step && perS >= 20_000 && !!db && db.matching >= ackedTotal && !step.unacked && !crashed;
		const text = step
			? `${fmt(perS, 0)} messages/s committed and acknowledged (ack p50 ${fmt(step.ack_latency_ms.p50, 2)} ms, p99 ${fmt(step.ack_latency_ms.p99, 1)} ms, window ${step.window}/sender), ` +
				`SQLite rows ${fmt(db?.matching ?? null, 0)} for ${fmt(ackedTotal, 0)} acks of ${fmt(sentTotal, 0)} sent, server CPU ${fmt(step.server_cpu_pct?.total)} %` +
				(step.contended ? ' ⚠ contended' : '') +
				(issues.length ? `; ${issues.join('; ')}` : '')
			: `no measurement (${result?.error ?? stderr.slice(-300)})`;
		return {
			ok: !!result?.ok && code === 0 && !crashed,
			pass,
			text,
			committed_per_s: perS,
			acked_total: ackedTotal,
			sent_total: sentTotal,
			sqlite_rows: db,
			issues,
			run: {
				kind: 'ours',
				quiet: q,
				result,
				loadgen_exit: code,
				crashed,
				server_log_tail: crashed ? server.tail() : undefined
			}
		};
	} finally {
		await server.stop();
	}
}

/** Scenario 6: history page from a room of 1,000,000 messages. */
async function scenario6() {
	const q = await quiet();
	const dbFile = newDbFile('s6');
	let server = await startServer('ours', { dbFile });
	const reg = await register(server.base, 'bench_reader', PASSWORD);
	await server.stop();
	log(`seeding ${opts.s6Rows.toLocaleString('en')} messages into general…`);
	const { seedRoomMessages } = await sqlite();
	const seed = seedRoomMessages(dbFile, {
		room: 'general',
		count: opts.s6Rows,
		senderId: reg.user?.id ?? 1,
		senderName: reg.user?.name ?? 'bench_reader',
		log
	});
	log(`seeded ${seed.rows.toLocaleString('en')} rows in ${seed.seconds} s`);
	server = await startServer('ours', { dbFile });
	try {
		const cpu0 = cpuTimes(server.pid);
		const lg = runLoadgen(
			{
				url: server.wsUrl,
				mode: 'http',
				cookie: reg.cookie,
				requests: 1000,
				warmupRequests: 50,
				beforeMin: seed.min_id,
				beforeMax: seed.max_id + 1,
				httpPath: '/api/rooms/general/messages?limit=50&before={before}'
			},
			{ serverPid: server.pid, label: '[ours]' }
		);
		const meter = waitMeter(server.pid, lg.pid);
		const { result, code, stderr } = await lg.done;
		const cpu = cpuPercent(cpu0, cpuTimes(server.pid));
		const contention = meter();
		const crashed = server.crashed();
		if (crashed) reportCrash(server);
		const lat = result?.latency_ms;
		const failures = Object.values(result?.failures ?? {}).reduce((a, b) => a + b, 0);
		const issues = [];
		if (crashed) issues.push('server crashed');
		if (failures) issues.push(`failures ${JSON.stringify(result.failures)}`);
		if (result?.unexpected_page_size)
			issues.push(`${result.unexpected_page_size} pages of unexpected size`);
		const pass = !!lat && lat.count >= 1000 && lat.p99 <= 10 && !failures && !crashed;
		const text = lat?.count
			? `p99 ${fmt(lat.p99, 2)} ms (p50 ${fmt(lat.p50, 2)}, max ${fmt(lat.max, 1)}) over ${fmt(lat.count, 0)} requests on ${fmt(seed.rows, 0)} messages, server CPU ${fmt(cpu?.total)} %` +
				(contention.contended ? ' ⚠ contended' : '') +
				(issues.length ? `; ${issues.join('; ')}` : '')
			: `no measurement (${result?.error ?? JSON.stringify(result?.failures) ?? stderr.slice(-300)}; ${result?.notes?.join(' ') ?? ''})`;
		return {
			ok: !!result?.ok && code === 0 && !crashed,
			pass,
			text,
			p50_ms: lat?.p50 ?? null,
			p99_ms: lat?.p99 ?? null,
			seed,
			...contention,
			issues,
			run: {
				kind: 'ours',
				quiet: q,
				result,
				loadgen_exit: code,
				crashed,
				server_log_tail: crashed ? server.tail() : undefined
			}
		};
	} finally {
		await server.stop();
	}
}

const SCENARIOS = [
	{
		id: 1,
		title: '100 clients, 10 senders × 10 msg/s, one room',
		goal: 'p99 ≤ 20 ms, reach 100 %',
		targets: ['ours', 'baseline'],
		run: broadcastScenario(100, 10, 10, dur(10), { p99: 20 })
	},
	{
		id: 2,
		title: '1,000 clients, 5 senders × 10 msg/s (50,000 deliveries/s)',
		goal: 'p99 ≤ 50 ms, reach 100 %',
		targets: ['ours', 'baseline'],
		run: broadcastScenario(1000, 5, 10, dur(10), { p99: 50 })
	},
	{
		id: 3,
		title: '1,000 clients, 10 senders, rate raised until p99 > 100 ms or reach < 99.9 %',
		goal: 'saturation deliveries/s ≥ 1.0 × bare ws baseline',
		targets: ['ours', 'baseline'],
		run: scenario3
	},
	{
		id: 4,
		title: `${opts.s4Connections.toLocaleString('en')} idle logged-in connections`,
		goal: '≤ 20 KB server memory per connection',
		targets: ['ours', 'baseline'],
		run: scenario4
	},
	{
		id: 5,
		title: '50 senders as fast as allowed (rate limit lifted)',
		goal: '≥ 20,000 messages/s committed to SQLite, each acknowledged after commit',
		targets: ['ours'],
		run: scenario5
	},
	{
		id: 6,
		title: `GET a page of 50 from a room of ${opts.s6Rows.toLocaleString('en')} messages`,
		goal: 'p99 ≤ 10 ms',
		targets: ['ours'],
		run: scenario6
	}
];

const SMOKE = {
	id: 1,
	title: 'smoke: 20 clients, 2 senders × 10 msg/s, 3 s',
	goal: 'reach 100 %, no errors, nothing crashed',
	targets: ['ours', 'baseline'],
	run: broadcastScenario(
		20,
		2,
		10,
		opts.duration ?? 3,
		{ p99: Infinity },
		{
			warmup: 0.5,
			drain: 3,
			retryContended: 0,
			settleQuietMs: 200,
			connectConcurrency: 20
		}
	)
};

// ---------------------------------------------------------------------------------------------
// Build

function newestMtime(/** @type {string} */ dir) {
	let max = 0;
	/** @type {string[]} */
	const stack = [dir];
	let seen = 0;
	while (stack.length && seen++ < 100_000) {
		const d = /** @type {string} */ (stack.pop());
		for (const e of readdirSync(d, { withFileTypes: true })) {
			const p = path.join(d, e.name);
			if (e.isDirectory()) stack.push(p);
			else max = Math.max(max, statSync(p).mtimeMs);
		}
	}
	return max;
}

/** Builds the SvelteKit app once when its sources are newer than build/ (what server.js would do at every start). */
function ensureBuild() {
	const built = path.join(ROOT, 'build/handler.js');
	const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
	const sources = Math.max(
		newestMtime(path.join(ROOT, 'src')),
		statSync(path.join(ROOT, 'package.json')).mtimeMs
	);
	if (builtAt > sources) return 'up to date';
	if (!opts.build) return builtAt ? 'stale (--no-build)' : 'missing (--no-build)';
	log(builtAt ? 'sources changed since the last build; building…' : 'no build yet; building…');
	const t0 = Date.now();
	const res = spawnSync(
		process.execPath,
		[path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'],
		{
			cwd: ROOT,
			stdio: ['ignore', opts.verbose ? 'inherit' : 'ignore', 'inherit'],
			timeout: 600_000
		}
	);
	if (res.status !== 0) throw new Error(`vite build failed (exit ${res.status})`);
	return `built in ${Math.round((Date.now() - t0) / 1000)} s`;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
	const started = new Date();
	const machine = machineInfo();
	let oursAvailable = existsSync(path.join(ROOT, 'server.js'));
	let oursMissing = 'not run: server.js missing';
	const wanted = opts.smoke
		? [SMOKE]
		: SCENARIOS.filter((s) => !opts.scenarios.length || opts.scenarios.includes(s.id));
	const targets = (/** @type {string[]} */ t) =>
		t.filter((k) => opts.target === 'both' || opts.target === k);
	log(
		`${machine.cpu_model} × ${machine.cpus}, ${machine.total_memory_gib} GiB, ${machine.os}, node ${machine.node}; ${machine.pinning}`
	);
	/** @type {string | null} */
	let build = null;
	if (oursAvailable && wanted.some((s) => targets(s.targets).includes('ours'))) {
		try {
			build = ensureBuild();
		} catch (err) {
			build = `failed: ${/** @type {Error} */ (err).message}`;
			oursAvailable = false;
			oursMissing = `not run: ${build}`;
		}
	}
	if (build) log(`app build: ${build}`);

	/** @type {Record<string, any>} */
	const scenarios = {};
	let harnessFailure = false;
	for (const sc of wanted) {
		/** @type {Record<string, any>} */
		const entry = { id: sc.id, title: sc.title, goal: sc.goal, ran_at: new Date().toISOString() };
		for (const kind of targets(sc.targets)) {
			if (kind === 'ours' && !oursAvailable) {
				entry.ours = { ok: false, pass: false, text: oursMissing };
				harnessFailure = true;
				continue;
			}
			log(`scenario ${sc.id} (${sc.title}) against ${kind}…`);
			const t0 = Date.now();
			try {
				entry[kind] = await sc.run(/** @type {'ours' | 'baseline'} */ (kind));
			} catch (err) {
				entry[kind] = {
					ok: false,
					pass: false,
					text: `harness error: ${String(/** @type {Error} */ (err).message ?? err).slice(0, 500)}`
				};
				log(String(/** @type {Error} */ (err).stack ?? err));
			}
			entry[kind].seconds = Math.round((Date.now() - t0) / 1000);
			log(`scenario ${sc.id} ${kind}: ${entry[kind].text}`);
			if (!entry[kind].ok) harnessFailure = true;
		}
		if (
			sc.id === 3 &&
			!opts.smoke &&
			entry.ours?.saturation_deliveries_per_s != null &&
			entry.baseline?.saturation_deliveries_per_s
		) {
			entry.ratio =
				Math.round(
					(entry.ours.saturation_deliveries_per_s / entry.baseline.saturation_deliveries_per_s) *
						100
				) / 100;
			entry.ours.pass = entry.ratio >= 1.0 && entry.ours.ok;
			// Never saturated within the sweep: the ratio is a lower bound.
			const bound = entry.ours.saturated === false ? '≥ ' : '';
			entry.ours.text += ` — ${bound}${entry.ratio} × baseline`;
		}
		entry.pass = entry.ours ? (entry.ours.pass ?? null) : null;
		scenarios[sc.id] = entry;
	}
	const finished = new Date();
	const command = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
	const results = {
		version: 1,
		run_id: started
			.toISOString()
			.replace(/[:.]/g, '-')
			.replace(/-\d{3}Z$/, 'Z'),
		started_at: started.toISOString(),
		finished_at: finished.toISOString(),
		duration_s: Math.round((finished.getTime() - started.getTime()) / 1000),
		command,
		smoke: opts.smoke,
		machine,
		build,
		options: { ...opts, serverNodeArgs: opts.serverNodeArgs.join(' ') },
		scenarios
	};

	if (opts.smoke) {
		const e = scenarios[1];
		const failures = [];
		for (const kind of ['ours', 'baseline']) {
			const r = e?.[kind];
			if (!r) continue;
			if (!r.ok || r.reach_pct !== 100 || (r.issues?.length ?? 0) > 0)
				failures.push(`${kind}: ${r.text}`);
		}
		console.log(
			JSON.stringify({
				smoke: failures.length ? 'fail' : 'pass',
				ours: e?.ours?.text,
				baseline: e?.baseline?.text
			})
		);
		if (failures.length) {
			log(`smoke FAILED:\n  ${failures.join('\n  ')}`);
			if (e?.ours?.run?.server_log_tail) log(`server output:\n${e.ours.run.server_log_tail}`);
		} else log('smoke passed');
		return failures.length ? 1 : 0;
	}

	if (opts.write) {
		const files = await writeReports(results, { benchDir: BENCH, root: ROOT });
		log(`wrote ${files.map((f) => path.relative(ROOT, f)).join(', ')}`);
	}
	printTable(scenarios);
	return harnessFailure ? 1 : 0;
}

/** @param {Record<string, any>} scenarios */
function printTable(scenarios) {
	for (const e of Object.values(scenarios)) {
		const verdict = e.pass === true ? 'PASS' : e.pass === false ? 'FAIL' : '—';
		console.log(`#${e.id} ${verdict}  ${e.title}\n   goal: ${e.goal}`);
		if (e.ours) console.log(`   ours:     ${e.ours.text}`);
		if (e.baseline) console.log(`   baseline: ${e.baseline.text}`);
	}
}

let exitCode = 1;
try {
	exitCode = await main();
} catch (err) {
	log(String(/** @type {Error} */ (err).stack ?? err));
	exitCode = 1;
} finally {
	if (!opts.keep) rmSync(TMP, { recursive: true, force: true });
	else log(`kept ${TMP}`);
}
process.exit(exitCode);
