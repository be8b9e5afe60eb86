// The load generator's options: the keys of DEFAULTS, from the command line (--clients 1000,
// --auth register, --client ws, ...) or a whole JSON object with --config.
//
// Parsed once, when this module is first imported, so that every module of the load generator
// process reads the same options (the process runs one configuration from start to end).

import { readFileSync } from 'node:fs';

/** @typedef {'broadcast' | 'ack' | 'idle' | 'http' | 'restart'} Mode */

const DEFAULTS = {
	url: 'ws://127.0.0.1:3000/ws',
	/** several servers (scenario 8): client i connects to urls[i % urls.length]; overrides url */
	/** @type {string[] | undefined} */ urls: undefined,
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
	/** broadcast mode: every client joins `room` first (created by the first one) — a room of its own */
	joinRoom: false,
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
	/** broadcast mode: every Nth operation of a sender is a change (edit or reaction, alternately); 0 = none */
	changeEvery: 0,
	exitOnStdinEnd: false,
	maxRunS: 0,
	/** pid of the server under test: its run-queue wait tells whether another process took its core */
	serverPid: 0,
	/** more processes whose CPU is the system under test, not contention: the other servers, Redis */
	/** @type {number[]} */ alsoOursPids: [],
	/** …and the PostgreSQL backends of these databases (ours, scenario 8) */
	/** @type {string[]} */ alsoOursPostgres: [],
	/** a step during which other processes used this % of a core on our CPUs is "contended" */
	contendedForeignPct: 8,
	/** re-run a contended step up to this many times (broadcast mode) */
	retryContended: 2,
	/** before repeating a contended step, wait up to this long for the other processes to calm down */
	quietWaitS: 20
};

/** @typedef {typeof DEFAULTS} Config */

/** The usage text: the comment lines at the top of bench/loadgen.js. */
const USAGE_FILE = new URL('../loadgen.js', import.meta.url);

/** @param {string[]} argv @returns {Config} */
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
				readFileSync(USAGE_FILE, 'utf8')
					.split('\n')
					.filter((l) => l.startsWith('//'))
					.join('\n') + '\n'
			);
			process.exit(0);
		}
		if (!(key in DEFAULTS)) throw new Error(`unknown option --${key}`);
		const def = /** @type {any} */ (DEFAULTS)[key];
		if (key === 'steps') cfg.steps = String(value).split(',').map(Number);
		else if (key === 'urls') cfg.urls = String(value).split(',');
		else if (key === 'localAddresses')
			cfg.localAddresses = /^\d+$/.test(value) ? Number(value) : String(value).split(',');
		else if (key === 'cookies') cfg.cookies = String(value).split('\n');
		else if (typeof def === 'number') cfg[key] = Number(value);
		else if (typeof def === 'boolean') cfg[key] = value === 'true' || value === '1';
		else cfg[key] = value;
	}
	return /** @type {Config} */ (cfg);
}

export const cfg = parseArgs(process.argv.slice(2));
/** Prefix of every client_id and generated name of this run (scenario 5 counts rows by it). */
export const runTag =
	cfg.runTag || `b${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
/** Every server the clients connect to, each with the Origin its ORIGIN setting expects. */
export const targets = (cfg.urls?.length ? cfg.urls : [cfg.url]).map((url) => ({
	url,
	origin: cfg.origin ?? `http://${new URL(url).host}`
}));
/** The first server: registration and HTTP mode use it. */
export const httpBase = `http://${new URL(targets[0].url).host}`;
export const origin = targets[0].origin;
/** The server of client `idx`: round-robin, so clients and senders split evenly. @param {number} idx */
export const targetFor = (idx) => targets[idx % targets.length];
export const sourceAddresses = Array.isArray(cfg.localAddresses)
	? cfg.localAddresses
	: Array.from({ length: Math.max(1, cfg.localAddresses) }, (_, i) => `127.0.0.${i + 1}`);

/**
 * The source address of client `idx`, or undefined to let the kernel choose. Binding a source
 * address before connecting makes the kernel search for a free port under a lock, which grows
 * with the sockets already bound: 10,000 reconnecting clients spent 24.8 of 33 CPU seconds of
 * the load generator in `connect` (scenario 12's profile). So one default address is not bound;
 * several (beyond one address's ~28,000 ports) still are.
 * @param {number} idx @returns {string | undefined}
 */
export const localAddressFor = (idx) =>
	Array.isArray(cfg.localAddresses) || sourceAddresses.length > 1
		? sourceAddresses[idx % sourceAddresses.length]
		: undefined;
