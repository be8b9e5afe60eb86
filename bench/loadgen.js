#!/usr/bin/env node
// Load generator for the chat protocol (PROTOCOL.md). Runs in its own process, never inside
// the server. Opens N WebSocket clients (guests, registered users, or given session cookies),
// makes S of them send R messages per second each on an open loop (a timer decides when to
// send, never a reply), and measures at every client: deliveries per second, reach (received
// ÷ expected), end-to-end latency (the send time travels inside the message content), connect
// time and errors.
//
// Modes:
//   broadcast  S senders × R msg/s into one room; optional rate steps until saturation.
//   ack        S senders each keep up to `window` unacknowledged messages in flight (the ack
//              is the sender's own echo carrying its client_id); measures commits per second.
//   idle       connect N clients, report when all are ready, hold until `stop` on stdin.
//   http       time sequential GETs of a URL template (`{before}` replaced by a random id).
//
// Options are the keys of DEFAULTS below (--clients 1000, --auth register, --client ws, ...),
// or a whole JSON object with --config. --server-pid lets each window record whether another
// process took CPU from the server or from us (/proc/<pid>/schedstat); such "contended" windows
// are repeated.
//
// Output: one JSON object per line on stdout ({"ev": ...}); the last is {"ev":"result",...}.
// Human-readable progress goes to stderr. Commands on stdin: `stop` (end hold / abort steps).
//
// Examples:
//   node bench/loadgen.js --url ws://127.0.0.1:3100/ws --clients 100 --senders 10 --rate 10 --duration 10
//   node bench/loadgen.js --url ws://127.0.0.1:3100/ws --clients 1000 --senders 10 --steps 2,4,6,8 --duration 5
//   node bench/loadgen.js --config '{"url":"ws://127.0.0.1:3000/ws","mode":"idle","clients":10000}'

import { performance, monitorEventLoopDelay } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import {
	allowedCpus,
	cpuSnapshot,
	foreignCpuPercent,
	schedstat,
	waitQuiet
} from './lib/procstat.js';
import readline from 'node:readline';
import http from 'node:http';
import { WebSocket } from 'ws';
import { RawWebSocket } from './lib/raw-ws.js';
import { Histogram, summarize } from './lib/histogram.js';
import { register, request } from './lib/http.js';

// ---------------------------------------------------------------------------------------------
// Configuration

/** @typedef {'broadcast' | 'ack' | 'idle' | 'http'} Mode */

const DEFAULTS = {
	url: 'ws://127.0.0.1:3000/ws',
	/** @type {string | undefined} */ origin: undefined,
	/** @type {Mode} */ mode: 'broadcast',
	clients: 100,
	senders: 10,
	rate: 10,
	/** @type {number[] | undefined} */ steps: undefined,
	duration: 10,
	warmup: 1,
	drain: 5,
	stopP99Ms: 100,
	stopReachPct: 99.9,
	/** after the first rate that crosses the limits, bisect this many times towards it */
	refine: 2,
	settleQuietMs: 300,
	settleMaxMs: 15_000,
	/** @type {'guest' | 'register' | 'cookies'} */ auth: 'guest',
	/** @type {number | undefined} */ users: undefined,
	userPrefix: '',
	password: 'bench-password-1',
	/** @type {string[] | undefined} */ cookies: undefined,
	/** @type {string | undefined} */ cookieFile: undefined,
	registerConcurrency: 4,
	connectConcurrency: 100,
	connectTimeoutMs: 20_000,
	connectPhaseTimeoutMs: 300_000,
	/** number of source addresses (127.0.0.1..n) or an explicit list */
	/** @type {number | string[]} */ localAddresses: 1,
	/** @type {'history' | 'welcome'} */ readyOn: 'history',
	/** raw: the lean client in lib/raw-ws.js; ws: the `ws` package (offers permessage-deflate like browsers) */
	/** @type {'raw' | 'ws'} */ client: 'raw',
	perMessageDeflate: true,
	room: 'general',
	window: 16,
	/** @type {'own' | 'general'} */ senderRooms: 'own',
	holdMaxS: 120,
	httpPath: '/api/rooms/general/messages?limit=50&before={before}',
	requests: 1000,
	warmupRequests: 50,
	beforeMin: 1,
	beforeMax: 1,
	/** @type {string | undefined} */ cookie: undefined,
	runTag: '',
	payloadBytes: 0,
	exitOnStdinEnd: false,
	maxRunS: 0,
	/** pid of the server under test: its run-queue wait tells whether another process took its core */
	serverPid: 0,
	/** a step during which other processes used this % of a core on our CPUs is "contended" */
	contendedForeignPct: 8,
	/** re-run a contended step up to this many times (broadcast mode) */
	retryContended: 2,
	/** before repeating a contended step, wait up to this long for the other processes to calm down */
	quietWaitS: 20
};

/** @typedef {typeof DEFAULTS} Config */

/** @returns {Config} */
function parseArgs(argv) {
	/** @type {Record<string, any>} */
	const cfg = { ...DEFAULTS };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
		let key = arg.slice(2);
		let value;
		const eq = key.indexOf('=');
		if (eq !== -1) {
			value = key.slice(eq + 1);
			key = key.slice(0, eq);
		} else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
		else value = 'true';
		key = key.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
		if (key === 'config') {
			Object.assign(
				cfg,
				JSON.parse(value.trim().startsWith('{') ? value : readFileSync(value, 'utf8'))
			);
			continue;
		}
		if (key === 'help') {
			process.stderr.write(
				readFileSync(new URL(import.meta.url), 'utf8')
					.split('\n')
					.filter((l) => l.startsWith('//'))
					.join('\n') + '\n'
			);
			process.exit(0);
		}
		if (!(key in DEFAULTS)) throw new Error(`unknown option --${key}`);
		const def = /** @type {any} */ (DEFAULTS)[key];
		if (key === 'steps') cfg.steps = String(value).split(',').map(Number);
		else if (key === 'localAddresses')
			cfg.localAddresses = /^\d+$/.test(value) ? Number(value) : String(value).split(',');
		else if (key === 'cookies') cfg.cookies = String(value).split('\n');
		else if (typeof def === 'number') cfg[key] = Number(value);
		else if (typeof def === 'boolean') cfg[key] = value === 'true' || value === '1';
		else cfg[key] = value;
	}
	return /** @type {Config} */ (cfg);
}

const cfg = parseArgs(process.argv.slice(2));
const runTag =
	cfg.runTag || `b${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const wsUrl = new URL(cfg.url);
const httpBase = `http://${wsUrl.host}`;
const origin = cfg.origin ?? httpBase;
const sourceAddresses = Array.isArray(cfg.localAddresses)
	? cfg.localAddresses
	: Array.from({ length: Math.max(1, cfg.localAddresses) }, (_, i) => `127.0.0.${i + 1}`);

// ---------------------------------------------------------------------------------------------
// Output

/** @param {Record<string, unknown>} obj */
function emit(obj) {
	process.stdout.write(JSON.stringify(obj) + '\n');
}
/** @param {string} msg */
function log(msg) {
	process.stderr.write(`[loadgen] ${msg}\n`);
}
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const nowAbs = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------
// Shared counters

/** @type {Record<string, number>} */
const errorsByCode = {}; // `error` events from the server, by content.code
/** @type {Record<string, number>} */
const closesByCode = {}; // closes of ready connections, by close code
/** @type {Record<string, number>} */
const connectFailures = {}; // failures before ready, by reason
/** @type {Record<string, number>} */
const eventsByType = {}; // every non-bench event received after ready
let orderViolations = 0;
let readyWithoutHistory = 0;
let parseErrors = 0;
let totalFrames = 0;
let stopRequested = false;
/** @type {string[]} */
const notes = [];

/** @param {Record<string, number>} map @param {string} key */
const bump = (map, key) => (map[key] = (map[key] ?? 0) + 1);

/**
 * Per-step accounting. Messages carry their step in the content, so late deliveries are
 * attributed to the step that sent them.
 */
class StepStats {
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
/** Every step attempt (warmup and retries included) has a tag, carried in the message content. */
/** @type {StepStats[]} */
const tagStats = [];
/** @type {StepStats | null} */
let warmupStats = null;
let windowOpen = false;
let windowDeliveries = 0;
let windowAcks = 0;

// ---------------------------------------------------------------------------------------------
// Clients

class Client {
	/** @param {number} idx */
	constructor(idx) {
		this.idx = idx;
		/** @type {Socket | null} */
		this.ws = null;
		this.ready = false;
		this.welcomed = false;
		this.open = false;
		this.connectMs = 0;
		this.lastId = 0;
		this.userId = 0;
		/** ack mode: client_id → send time (ms, performance.now) */
		/** @type {Map<string, number> | null} */
		this.outstanding = null;
		this.room = cfg.room;
		/** @type {((ok: boolean, reason?: string) => void) | null} */
		this.settle = null;
		/** @type {((ev: any) => void) | null} */
		this.waiter = null;
		this.seq = 0;
	}
}

/** @type {Client[]} */
const clients = [];
let readyOpen = 0;
let lastFrameAt = performance.now();

/** @param {Client} c @param {string} s */
function onFrame(c, s) {
	totalFrames++;
	lastFrameAt = performance.now();
	if (!c.ready) return onSetupFrame(c, s);
	if (c.waiter) {
		let ev;
		try {
			ev = JSON.parse(s);
		} catch {
			parseErrors++;
			return;
		}
		c.waiter(ev);
		return;
	}
	if (s.indexOf('"b|') === -1) {
		if (onOtherFrame(s) === 'error' && c.outstanding && c.outstanding.size > 0) {
			// A refused send (rate_limited, too_large...) will never be acknowledged: free its slot.
			const oldest = c.outstanding.keys().next().value;
			if (oldest !== undefined) c.outstanding.delete(oldest);
			onAck(c);
		}
		return;
	}
	let id;
	let content;
	/** @type {string | undefined} */
	let clientId;
	const k = s.indexOf('"b|');
	if (peekType(s) === 'message' && s.indexOf('"b|', k + 3) === -1) {
		// Fast path, no JSON.parse: one message event whose content is ours (no escapes in it).
		const i = s.indexOf('"id":');
		id = i === -1 ? NaN : parseInt(s.slice(i + 5, i + 30), 10);
		content = s.slice(k + 1, s.indexOf('"', k + 1));
		if (c.outstanding) {
			const j = s.indexOf('"client_id":"');
			if (j !== -1) clientId = s.slice(j + 13, s.indexOf('"', j + 13));
		}
	} else {
		/** @type {any} */
		let ev;
		try {
			ev = JSON.parse(s);
		} catch {
			parseErrors++;
			return;
		}
		if (ev.type !== 'message') {
			bump(eventsByType, String(ev.type));
			if (ev.type === 'error') bump(errorsByCode, String(ev.content?.code ?? 'unknown'));
			return;
		}
		id = Number(ev.id);
		content = String(ev.content);
		clientId = ev.client_id ?? undefined;
	}
	if (id <= c.lastId) orderViolations++;
	c.lastId = id;
	// content: b|<abs send time ms>|<tag>|<sender>|<seq>|<padding>
	const p1 = content.indexOf('|', 2);
	const p2 = content.indexOf('|', p1 + 1);
	const sentAt = Number(content.slice(2, p1));
	const tag = Number(content.slice(p1 + 1, p2));
	const latency = nowAbs() - sentAt;
	const st = tagStats[tag];
	if (windowOpen) windowDeliveries++;
	if (st) {
		st.received++;
		st.latency.record(latency);
	}
	if (c.outstanding && clientId !== undefined) {
		const t = c.outstanding.get(clientId);
		if (t !== undefined) {
			c.outstanding.delete(clientId);
			if (st) {
				st.acked++;
				st.ackLatency.record(performance.now() - t);
			}
			if (windowOpen) windowAcks++;
			onAck(c);
		}
	}
}

/** @param {string} s @returns {string | undefined} the event type */
function onOtherFrame(s) {
	let type = peekType(s);
	if (type === undefined) {
		try {
			type = String(JSON.parse(s).type);
		} catch {
			parseErrors++;
			return;
		}
	}
	bump(eventsByType, type);
	if (type === 'error') {
		try {
			bump(errorsByCode, String(JSON.parse(s).content?.code ?? 'unknown'));
		} catch {
			parseErrors++;
		}
	}
	return type;
}

/** @param {Client} c @param {string} s */
function onSetupFrame(c, s) {
	// Only the welcome needs parsing; `users` grows with the number online (O(N) per connect),
	// so it is recognised by its type and skipped.
	const type = peekType(s);
	if (type === 'users' || type === 'join') return;
	if (type === 'history' && c.welcomed) return c.settle?.(true);
	/** @type {any} */
	let ev;
	try {
		ev = JSON.parse(s);
	} catch {
		parseErrors++;
		return;
	}
	if (ev.type === 'welcome') {
		c.welcomed = true;
		c.userId = Number(ev.content?.user_id ?? 0);
		if (cfg.readyOn === 'welcome') c.settle?.(true);
		else
			setTimeout(() => {
				if (!c.ready && c.open) {
					readyWithoutHistory++;
					c.settle?.(true);
				}
			}, 5000).unref();
	} else if (ev.type === 'history' && c.welcomed) c.settle?.(true);
	else if (ev.type === 'auth_failed') c.settle?.(false, 'auth_failed');
	else if (ev.type === 'error') bump(errorsByCode, String(ev.content?.code ?? 'unknown'));
}

/**
 * The event type without parsing the frame, when `type` is among the first keys.
 * @param {string} s
 */
function peekType(s) {
	const i = s.indexOf('"type":"');
	if (i === -1 || i > 64) return undefined;
	const j = s.indexOf('"', i + 8);
	return j === -1 ? undefined : s.slice(i + 8, j);
}

/**
 * Opens one client and resolves when it is ready (welcome + history) or failed.
 * @param {Client} c @param {string | undefined} cookie
 * @returns {Promise<boolean>}
 */
function connectClient(c, cookie) {
	return new Promise((resolve) => {
		const t0 = performance.now();
		/** @type {Record<string, string>} */
		const headers = {};
		if (cookie) headers.cookie = cookie;
		const ws = openSocket(headers, sourceAddresses[c.idx % sourceAddresses.length]);
		c.ws = ws;
		let done = false;
		const timer = setTimeout(() => finish(false, 'ready_timeout'), cfg.connectTimeoutMs);
		/** @param {boolean} ok @param {string} [reason] */
		const finish = (ok, reason) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			c.settle = null;
			if (ok) {
				c.ready = true;
				c.connectMs = performance.now() - t0;
				readyOpen++;
			} else {
				bump(connectFailures, reason ?? 'unknown');
				ws.terminate();
			}
			resolve(ok);
		};
		c.settle = finish;
		ws.onopen = () => {
			c.open = true;
		};
		ws.onmessage = (text) => onFrame(c, text);
		ws.onhttperror = (status) => finish(false, `http_${status}`);
		ws.onerror = (err) => {
			const code = /** @type {any} */ (err).code ?? err.message.slice(0, 60);
			if (!done) finish(false, `error_${code}`);
			else if (!shuttingDown) bump(closesByCode, `error_${code}`);
		};
		ws.onclose = (code) => {
			c.open = false;
			if (!done) finish(false, `closed_${code}_before_ready`);
			else if (c.ready) {
				readyOpen--;
				if (!shuttingDown) bump(closesByCode, String(code));
			}
		};
	});
}

/**
 * @typedef {{
 *   onopen: (() => void) | null,
 *   onmessage: ((text: string) => void) | null,
 *   onclose: ((code: number) => void) | null,
 *   onerror: ((err: Error) => void) | null,
 *   onhttperror: ((status: number) => void) | null,
 *   send(text: string): void,
 *   terminate(): void
 * }} Socket
 */

/**
 * A client socket: the lean built-in client (default) or the `ws` package's (--client ws).
 * @param {Record<string, string>} headers @param {string} localAddress @returns {Socket}
 */
function openSocket(headers, localAddress) {
	if (cfg.client === 'raw') return new RawWebSocket(cfg.url, { origin, headers, localAddress });
	const ws = new WebSocket(cfg.url, {
		origin,
		headers,
		localAddress,
		perMessageDeflate: cfg.perMessageDeflate,
		handshakeTimeout: cfg.connectTimeoutMs,
		skipUTF8Validation: true,
		followRedirects: false
	});
	/** @type {Socket} */
	const sock = {
		onopen: null,
		onmessage: null,
		onclose: null,
		onerror: null,
		onhttperror: null,
		send: (text) => ws.send(text),
		terminate: () => ws.terminate()
	};
	ws.on('open', () => sock.onopen?.());
	ws.on('message', (data) => sock.onmessage?.(data.toString()));
	ws.on('unexpected-response', (_req, res) => {
		sock.onhttperror?.(res.statusCode ?? 0);
		res.resume();
	});
	ws.on('error', (err) => sock.onerror?.(err));
	ws.on('close', (code) => sock.onclose?.(code));
	return sock;
}

let shuttingDown = false;

/**
 * Obtains the cookies the clients will use (auth = register | cookies).
 * @returns {Promise<(string | undefined)[]>}
 */
async function obtainCookies() {
	if (cfg.auth === 'guest') return [undefined];
	if (cfg.auth === 'cookies') {
		const list =
			cfg.cookies ?? (cfg.cookieFile ? JSON.parse(readFileSync(cfg.cookieFile, 'utf8')) : []);
		if (!list.length) throw new Error('auth=cookies needs --cookies or --cookie-file');
		return list;
	}
	const count = Math.max(1, Math.min(cfg.users ?? cfg.clients, cfg.clients));
	const prefix = cfg.userPrefix || `u${runTag}`;
	/** @type {string[]} */
	const cookies = new Array(count);
	/** @type {number[]} */
	const times = [];
	let next = 0;
	const t0 = performance.now();
	const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.registerConcurrency });
	const worker = async () => {
		while (next < count) {
			const i = next++;
			const t = performance.now();
			const { cookie } = await register(httpBase, `${prefix}_${i}`.slice(0, 32), cfg.password, {
				agent,
				localAddress: sourceAddresses[i % sourceAddresses.length]
			});
			times.push(performance.now() - t);
			cookies[i] = cookie;
		}
	};
	await Promise.all(Array.from({ length: Math.min(cfg.registerConcurrency, count) }, worker));
	agent.destroy();
	const secs = (performance.now() - t0) / 1000;
	emit({ ev: 'registered', users: count, seconds: round(secs), register_ms: summarize(times) });
	log(`registered ${count} users in ${secs.toFixed(1)} s`);
	return cookies;
}

/** Connects all clients with bounded concurrency. */
async function connectAll() {
	const cookies = await obtainCookies();
	for (let i = 0; i < cfg.clients; i++) clients.push(new Client(i));
	emit({
		ev: 'connecting',
		clients: cfg.clients,
		concurrency: cfg.connectConcurrency,
		source_addresses: sourceAddresses.length
	});
	const t0 = performance.now();
	const deadline = t0 + cfg.connectPhaseTimeoutMs;
	let next = 0;
	let ok = 0;
	let lastLog = t0;
	const worker = async () => {
		while (next < clients.length && performance.now() < deadline && !stopRequested) {
			const c = clients[next++];
			if (await connectClient(c, cookies[c.idx % cookies.length])) ok++;
			if (performance.now() - lastLog > 2000) {
				lastLog = performance.now();
				log(
					`connected ${ok}/${clients.length} (${
						Object.entries(connectFailures)
							.map(([k, v]) => `${k}:${v}`)
							.join(' ') || 'no failures'
					})`
				);
			}
		}
	};
	await Promise.all(
		Array.from({ length: Math.min(cfg.connectConcurrency, clients.length) }, worker)
	);
	if (next < clients.length) connectFailures.not_attempted_phase_timeout = clients.length - next;
	const seconds = (performance.now() - t0) / 1000;
	const connect = summarize(clients.filter((c) => c.ready).map((c) => c.connectMs));
	const info = {
		ev: 'connected',
		ready: ok,
		failed: clients.length - ok,
		seconds: round(seconds),
		connect_ms: connect,
		connect_failures: { ...connectFailures }
	};
	emit(info);
	log(
		`connected ${ok}/${clients.length} in ${seconds.toFixed(1)} s; connect p50 ${connect.p50} ms p99 ${connect.p99} ms`
	);
	return info;
}

/** Waits until no frame arrived for settleQuietMs (join storms, history), at most settleMaxMs. */
async function settle() {
	const t0 = performance.now();
	while (
		performance.now() - t0 < cfg.settleMaxMs &&
		performance.now() - lastFrameAt < cfg.settleQuietMs
	)
		await sleep(50);
	return round((performance.now() - t0) / 1000);
}

// ---------------------------------------------------------------------------------------------
// Sending

const padding = cfg.payloadBytes > 0 ? '|' + 'x'.repeat(cfg.payloadBytes) : '|';

/** @param {Client} c @param {number} tag @param {number} senderIdx @returns {boolean} */
function sendMessage(c, tag, senderIdx) {
	if (!c.ws || !c.open) return false;
	const seq = c.seq++;
	const clientId = `${runTag}-${senderIdx}-${seq}`;
	const content = `b|${nowAbs().toFixed(3)}|${tag}|${senderIdx}|${seq}${padding}`;
	/** @type {Record<string, unknown>} */
	const msg = { type: 'message', content, client_id: clientId };
	if (c.room !== 'general') msg.room = c.room;
	if (c.outstanding) c.outstanding.set(clientId, performance.now());
	c.ws.send(JSON.stringify(msg));
	return true;
}

/**
 * Open-loop sending: each sender has a schedule of send times; a timer fires at the earliest
 * due time and sends everything that is due (so a late timer catches up, never skips).
 * @param {Client[]} senders @param {number} rate @param {number} seconds @param {StepStats} st
 */
function sendSchedule(senders, rate, seconds, st) {
	return new Promise((resolve) => {
		const interval = 1000 / rate;
		const S = senders.length;
		const t0 = performance.now();
		const endAt = t0 + seconds * 1000;
		const next = Float64Array.from({ length: S }, (_, i) => t0 + (i / S) * interval);
		const tick = () => {
			const now = performance.now();
			let earliest = Infinity;
			for (let i = 0; i < S; i++) {
				while (next[i] <= now && next[i] < endAt) {
					st.sendLag.record(now - next[i]);
					if (sendMessage(senders[i], st.tag, i)) st.sent++;
					else st.sendFailed++;
					next[i] += interval;
				}
				if (next[i] < earliest) earliest = next[i];
			}
			if (earliest >= endAt || stopRequested) {
				const wait = Math.max(0, endAt - performance.now());
				setTimeout(resolve, stopRequested ? 0 : wait);
				return;
			}
			setTimeout(tick, Math.max(0, earliest - performance.now()));
		};
		tick();
	});
}

/** @param {StepStats} st @param {number} maxMs */
async function drain(st, maxMs) {
	const t0 = performance.now();
	const target = () => st.sent * st.expectedPerMsg;
	while (performance.now() - t0 < maxMs && st.received < target()) await sleep(20);
	return round((performance.now() - t0) / 1000);
}

/** @param {StepStats} st @param {number} seconds @param {number} windowDeliv @param {NodeJS.CpuUsage} cpu @param {any} loop */
function stepReport(st, seconds, windowDeliv, cpu, loop) {
	// A message the sender could not send (its socket closed) counts as undelivered.
	const expected = (st.sent + st.sendFailed) * st.expectedPerMsg;
	return {
		step: st.index,
		rate_per_sender: st.rate,
		seconds: round(seconds),
		sent: st.sent,
		send_failed: st.sendFailed,
		offered_deliveries_per_s: Math.round(expected / seconds),
		expected,
		received: st.received,
		reach_pct: expected ? round4((st.received / expected) * 100) : null,
		delivered_per_s: Math.round(windowDeliv / seconds),
		latency_ms: st.latency.summary(),
		send_lag_ms: st.sendLag.summary(),
		loadgen_cpu_pct: round(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100),
		loadgen_cpu_system_pct: round((cpu.system / 1000 / (seconds * 1000)) * 100),
		loadgen_loop_delay_p99_ms: loop,
		/** the load generator used most of its core: the step may measure it rather than the server */
		loadgen_bound: (cpu.user + cpu.system) / 1000 / (seconds * 1000) > 0.9
	};
}

/**
 * One measured window at one rate, then the drain.
 * @param {Client[]} senders @param {number} k @param {number} rate @param {number} attempt
 * @param {import('node:perf_hooks').IntervalHistogram} loopDelay
 */
async function broadcastStep(senders, k, rate, attempt, loopDelay) {
	const st = new StepStats(k, rate, readyOpen);
	emit({
		ev: 'step_start',
		step: k,
		attempt,
		rate_per_sender: rate,
		offered_deliveries_per_s: rate * senders.length * readyOpen,
		receivers: readyOpen
	});
	const cpu0 = process.cpuUsage();
	const sched0 = schedSnapshot();
	loopDelay.reset();
	windowDeliveries = 0;
	windowOpen = true;
	const t0 = performance.now();
	await sendSchedule(senders, rate, cfg.duration, st);
	const seconds = (performance.now() - t0) / 1000;
	windowOpen = false;
	const windowDeliv = windowDeliveries;
	const cpu = process.cpuUsage(cpu0);
	const contention = contentionSince(sched0);
	const loop = loopP99(loopDelay);
	emit({ ev: 'window_end', step: k, attempt, seconds: round(seconds) });
	const drainS = await drain(st, cfg.drain * 1000);
	const rep = {
		...stepReport(st, seconds, windowDeliv, cpu, loop),
		drain_s: drainS,
		attempt,
		...contention
	};
	emit({ ev: 'step_end', ...rep });
	log(
		`step ${k}${attempt ? ` (attempt ${attempt + 1})` : ''}: ${rate}/s/sender offered ${rep.offered_deliveries_per_s}/s ` +
			`delivered ${rep.delivered_per_s}/s reach ${rep.reach_pct}% p50 ${rep.latency_ms.p50} p99 ${rep.latency_ms.p99} ` +
			`max ${rep.latency_ms.max} ms (loadgen cpu ${rep.loadgen_cpu_pct}%, other processes ${contention.foreign_cpu_pct ?? '?'}% of a core)`
	);
	return rep;
}

async function runBroadcast() {
	const senders = clients.filter((c) => c.ready && c.open).slice(0, cfg.senders);
	let goneNoted = false;
	/** No receiver or no sender left (the server closed them or died): nothing left to measure. */
	const allGone = () => {
		const gone = readyOpen === 0 || senders.every((c) => !c.open);
		if (gone && !goneNoted) {
			goneNoted = true;
			notes.push('every connection (or every sender) was closed: steps stopped');
			log('every connection (or every sender) was closed: stopping');
		}
		return gone;
	};
	if (senders.length < cfg.senders) notes.push(`only ${senders.length} senders ready`);
	const rates = cfg.steps?.length ? cfg.steps : [cfg.rate];
	const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RES_MS });
	loopDelay.enable();
	if (cfg.warmup > 0 && !stopRequested) {
		warmupStats = new StepStats(-1, rates[0], readyOpen);
		await sendSchedule(senders, rates[0], cfg.warmup, warmupStats);
		await drain(warmupStats, 2000);
		await settle();
	}
	/** @type {any[]} */
	const reports = [];
	const multi = rates.length > 1;
	const crosses = (/** @type {any} */ r) =>
		multi &&
		((r.latency_ms.p99 ?? Infinity) > cfg.stopP99Ms || (r.reach_pct ?? 0) < cfg.stopReachPct);
	/**
	 * One rate, repeated while contended: a contended window that also crossed the stop limits
	 * gets a few more tries, so that another process's build cannot pass for saturation.
	 * @param {number} k @param {number} rate
	 */
	const measure = async (k, rate) => {
		/** @type {any} */
		let rep = null;
		for (let attempt = 0; !stopRequested && !allGone(); attempt++) {
			const r = await broadcastStep(senders, k, rate, attempt, loopDelay);
			// Contention only ever makes a window look worse: keep the best attempt.
			if (
				!rep ||
				!r.contended ||
				(rep.contended && (r.latency_ms.p99 ?? Infinity) < (rep.latency_ms.p99 ?? Infinity))
			)
				rep = r;
			if (!r.contended) break;
			const limit = cfg.retryContended + (crosses(rep) ? 3 : 0);
			if (attempt >= limit) break;
			log(`step ${k} was contended (another process took CPU): settling and repeating it`);
			await settle();
			await waitQuiet(cfg.quietWaitS * 1000, 15, log);
		}
		return rep;
	};
	for (let k = 0; k < rates.length && !stopRequested; k++) {
		if (allGone()) break;
		const rep = await measure(k, rates[k]);
		if (!rep) break;
		reports.push(rep);
		if (crosses(rep)) {
			log(`step ${k} crossed p99 > ${cfg.stopP99Ms} ms or reach < ${cfg.stopReachPct}%`);
			// Narrow the saturation point between the last rate that held and this one.
			let lo = k > 0 ? rates[k - 1] : 0;
			let hi = rates[k];
			for (let i = 0; i < cfg.refine && lo > 0 && !stopRequested && !allGone(); i++) {
				const mid = Math.round(((lo + hi) / 2) * 4) / 4;
				if (mid <= lo || mid >= hi) break;
				await settle();
				const r = await measure(reports.length, mid);
				if (!r) break;
				reports.push(r);
				if (crosses(r)) hi = mid;
				else lo = mid;
			}
			break;
		}
		if (k + 1 < rates.length) await settle();
	}
	loopDelay.disable();
	return { steps: reports };
}

// ---------------------------------------------------------------------------------------------
// Ack mode (commit throughput)

/** @type {StepStats | null} */
let ackStep = null;
let ackSending = false;
/** @type {Map<Client, number>} */
const senderIndex = new Map();

/** @param {Client} c */
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

async function runAck() {
	const senders = clients.filter((c) => c.ready && c.open).slice(0, cfg.senders);
	senders.forEach((c, i) => senderIndex.set(c, i));
	let rooms = null;
	if (cfg.senderRooms === 'own') {
		rooms = await prepareOwnRooms(senders);
		emit({ ev: 'rooms', ...rooms });
		log(`own rooms: ${rooms.own_rooms}/${senders.length} ${JSON.stringify(rooms.failures)}`);
	}
	const inGeneral = senders.filter((c) => c.room === 'general').length;
	const receiversPerMsg = (c) => (c.room === 'general' ? readyOpen : 1);
	// Expected deliveries per message differ per sender when some rooms failed; use the mean.
	const expectedPerMsg =
		senders.reduce((a, c) => a + receiversPerMsg(c), 0) / Math.max(1, senders.length);
	for (const c of senders) c.outstanding = new Map();
	const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RES_MS });
	loopDelay.enable();
	// warmup
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
	windowDeliveries = 0;
	windowAcks = 0;
	windowOpen = true;
	ackSending = true;
	const t0 = performance.now();
	for (const c of senders) onAck(c);
	while (performance.now() - t0 < cfg.duration * 1000 && !stopRequested) await sleep(20);
	ackSending = false;
	const seconds = (performance.now() - t0) / 1000;
	windowOpen = false;
	const acksInWindow = windowAcks;
	const windowDeliv = windowDeliveries;
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

// ---------------------------------------------------------------------------------------------
// Idle and HTTP modes

async function runIdle() {
	const closes0 = Object.values(closesByCode).reduce((a, b) => a + b, 0);
	emit({
		ev: 'ready',
		open: readyOpen,
		mem_loadgen_rss_mb: Math.round(process.memoryUsage().rss / 1048576)
	});
	log(`holding ${readyOpen} idle connections (send "stop" on stdin, at most ${cfg.holdMaxS} s)`);
	const t0 = performance.now();
	while (!stopRequested && performance.now() - t0 < cfg.holdMaxS * 1000) await sleep(100);
	const closes = Object.values(closesByCode).reduce((a, b) => a + b, 0) - closes0;
	return {
		held_s: round((performance.now() - t0) / 1000),
		open_at_end: readyOpen,
		closed_during_hold: closes
	};
}

async function runHttp() {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	/** @type {Record<string, string>} */
	const headers = { accept: 'application/json', origin };
	if (cfg.cookie) headers.cookie = cfg.cookie;
	/** @type {number[]} */
	const times = [];
	/** @type {Record<string, number>} */
	const failures = {};
	let wrongSize = 0;
	const span = Math.max(1, cfg.beforeMax - cfg.beforeMin + 1);
	const total = cfg.warmupRequests + cfg.requests;
	for (let i = 0; i < total && !stopRequested; i++) {
		const before = cfg.beforeMin + Math.floor(Math.random() * span);
		const url = httpBase + cfg.httpPath.replace('{before}', String(before));
		const t = performance.now();
		try {
			const res = await request(url, { headers, agent, timeoutMs: 10_000 });
			const ms = performance.now() - t;
			if (res.status !== 200) {
				bump(failures, `http_${res.status}`);
				if (i === 0) notes.push(`first answer: HTTP ${res.status} ${res.body.slice(0, 200)}`);
				continue;
			}
			const body = JSON.parse(res.body);
			if (
				!Array.isArray(body.messages) ||
				body.messages.length !== Math.min(50, before - cfg.beforeMin)
			)
				wrongSize++;
			if (i >= cfg.warmupRequests) times.push(ms);
		} catch (err) {
			bump(failures, String(/** @type {Error} */ (err).message).slice(0, 80));
		}
	}
	agent.destroy();
	const lat = summarize(times);
	log(
		`http: ${times.length} ok, p50 ${lat.p50} ms p99 ${lat.p99} ms max ${lat.max} ms, failures ${JSON.stringify(failures)}`
	);
	return { requests: times.length, latency_ms: lat, failures, unexpected_page_size: wrongSize };
}

// ---------------------------------------------------------------------------------------------
// Main

/** Our CPUs (the server's and ours) and our processes (server, us, the runner that started us). */
const watched = (() => {
	const pids = [process.pid, process.ppid];
	const cpus = new Set(allowedCpus(process.pid) ?? []);
	return {
		/** @param {number} serverPid */
		with(serverPid) {
			for (const c of allowedCpus(serverPid) ?? []) cpus.add(c);
			return { cpus: [...cpus], pids: serverPid ? [serverPid, ...pids] : pids };
		}
	};
})();

function schedSnapshot() {
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
function contentionSince(a) {
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

const LOOP_RES_MS = 5;
/** Event-loop delay beyond the sampling interval (ms), a sign of an overloaded load generator. @param {import('node:perf_hooks').IntervalHistogram} h */
function loopP99(h) {
	return round(Math.max(0, h.percentile(99) / 1e6 - LOOP_RES_MS));
}

/** @param {number} v */
function round(v) {
	return Math.round(v * 100) / 100;
}
/** @param {number} v */
function round4(v) {
	return Math.round(v * 10000) / 10000;
}

function listenStdin() {
	if (process.stdin.isTTY && !cfg.exitOnStdinEnd) return;
	const rl = readline.createInterface({ input: process.stdin });
	rl.on('line', (line) => {
		if (line.trim() === 'stop') stopRequested = true;
	});
	rl.on('close', () => {
		if (cfg.exitOnStdinEnd) {
			stopRequested = true;
			setTimeout(() => process.exit(3), 3000).unref();
		}
	});
}

async function main() {
	listenStdin();
	const maxRunS =
		cfg.maxRunS ||
		Math.ceil(
			cfg.connectPhaseTimeoutMs / 1000 +
				cfg.settleMaxMs / 1000 +
				((cfg.steps?.length ?? 1) + cfg.refine) *
					(4 + cfg.retryContended) *
					(cfg.duration + cfg.drain + cfg.settleMaxMs / 1000 + cfg.quietWaitS + 2) +
				cfg.warmup +
				cfg.holdMaxS +
				(cfg.mode === 'http' ? cfg.requests * 10 : 0) +
				60
		);
	setTimeout(() => {
		emit({ ev: 'result', ok: false, error: `loadgen exceeded its ${maxRunS} s limit` });
		process.exit(2);
	}, maxRunS * 1000).unref();

	const startedAt = new Date().toISOString();
	const cpuStart = process.cpuUsage();
	/** @type {any} */
	let body;
	/** @type {any} */
	let connected = null;
	let settleS = 0;
	if (cfg.mode === 'http') body = await runHttp();
	else {
		connected = await connectAll();
		settleS = await settle();
		if (cfg.mode === 'broadcast') body = await runBroadcast();
		else if (cfg.mode === 'ack') body = await runAck();
		else if (cfg.mode === 'idle') body = await runIdle();
		else throw new Error(`unknown mode ${cfg.mode}`);
	}
	const cpu = process.cpuUsage(cpuStart);
	const result = {
		ev: 'result',
		ok: true,
		mode: cfg.mode,
		url: cfg.url,
		run_tag: runTag,
		started_at: startedAt,
		clients: cfg.clients,
		senders: cfg.senders,
		auth: cfg.auth,
		connected,
		settle_s: settleS,
		...body,
		errors_by_code: errorsByCode,
		closes_by_code: closesByCode,
		connect_failures: connectFailures,
		events_by_type: eventsByType,
		order_violations: orderViolations,
		ready_without_history: readyWithoutHistory,
		parse_errors: parseErrors,
		frames: totalFrames,
		loadgen_cpu_s: round((cpu.user + cpu.system) / 1e6),
		loadgen_rss_mb: Math.round(process.memoryUsage().rss / 1048576),
		notes
	};
	shuttingDown = true;
	for (const c of clients) c.ws?.terminate();
	process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
}

main().catch((err) => {
	emit({ ev: 'result', ok: false, error: String(err?.stack ?? err) });
	log(String(err?.stack ?? err));
	process.exitCode = 1;
	setTimeout(() => process.exit(1), 100);
});
