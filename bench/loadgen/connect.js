// Opening the clients: cookies when they are registered users, sockets (the lean client or
// `ws`), bounded connect concurrency, and the wait for the join storm to pass.

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { RawWebSocket } from '../lib/raw-ws.js';
import { summarize } from '../lib/histogram.js';
import { register } from '../lib/http.js';
import { Client, clients } from './client.js';
import { cfg, httpBase, localAddressFor, runTag, sourceAddresses, targetFor } from './config.js';
import { onFrame } from './frames.js';
import { emit, log, round, sleep } from './output.js';
import { bump, counters, live } from './state.js';

/** @typedef {import('./client.js').Socket} Socket */

/**
 * Opens one client and resolves when it is ready (welcome + history) or failed.
 * @param {Client} c @param {string | undefined} cookie
 * @returns {Promise<boolean>}
 */
export function connectClient(c, cookie) {
	return new Promise((resolve) => {
		const t0 = performance.now();
		/** @type {Record<string, string>} */
		const headers = {};
		if (cookie) headers.cookie = cookie;
		const ws = openSocket(targetFor(c.idx), headers, localAddressFor(c.idx));
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
				const now = performance.now();
				c.connectMs = now - t0;
				// Where the time went (lean client only): TCP connect, the upgrade's answer, the rest.
				const raw = /** @type {any} */ (ws);
				if (raw.connectedAt && raw.openedAt)
					c.stages = [raw.connectedAt - t0, raw.openedAt - raw.connectedAt, now - raw.openedAt];
				live.readyOpen++;
			} else {
				bump(counters.connectFailures, reason ?? 'unknown');
				ws.terminate();
			}
			resolve(ok);
		};
		c.settle = finish;
		ws.onopen = () => {
			c.open = true;
			// The web app sends `resume` as its first frame, before the welcome arrives: the server
			// then sends the missed messages, the live ones held meanwhile, then `resumed`.
			if (c.resumeAfter !== undefined)
				ws.send(JSON.stringify({ type: 'resume', after_id: c.resumeAfter }));
		};
		ws.onmessage = (text) => onFrame(c, text);
		ws.onhttperror = (status) => finish(false, `http_${status}`);
		ws.onerror = (err) => {
			const code = /** @type {any} */ (err).code ?? err.message.slice(0, 60);
			if (!done) finish(false, `error_${code}`);
			else if (!live.shuttingDown) bump(counters.closesByCode, `error_${code}`);
		};
		ws.onclose = (code) => {
			c.open = false;
			if (!done) finish(false, `closed_${code}_before_ready`);
			else if (c.ready) {
				live.readyOpen--;
				if (!live.shuttingDown) bump(counters.closesByCode, String(code));
			}
		};
	});
}

/**
 * A client socket: the lean built-in client (default) or the `ws` package's (--client ws).
 * @param {{ url: string, origin: string }} target
 * @param {Record<string, string>} headers @param {string} localAddress @returns {Socket}
 */
function openSocket({ url, origin }, headers, localAddress) {
	if (cfg.client === 'raw') return new RawWebSocket(url, { origin, headers, localAddress });
	const ws = new WebSocket(url, {
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
				localAddress: localAddressFor(i)
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
export async function connectAll() {
	const cookies = await obtainCookies();
	const { connectFailures } = counters;
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
		while (next < clients.length && performance.now() < deadline && !live.stopRequested) {
			const c = clients[next++];
			c.cookie = cookies[c.idx % cookies.length];
			if (await connectClient(c, c.cookie)) ok++;
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
	const ready = clients.filter((c) => c.ready);
	const connect = summarize(ready.map((c) => c.connectMs));
	const staged = ready.filter((c) => c.stages);
	const stage = (/** @type {number} */ i) => summarize(staged.map((c) => c.stages[i]));
	const info = {
		ev: 'connected',
		ready: ok,
		failed: clients.length - ok,
		seconds: round(seconds),
		connect_ms: connect,
		...(staged.length && {
			stages_ms: { tcp: stage(0), upgrade: stage(1), ready_after_upgrade: stage(2) }
		}),
		connect_failures: { ...connectFailures }
	};
	emit(info);
	log(
		`connected ${ok}/${clients.length} in ${seconds.toFixed(1)} s; connect p50 ${connect.p50} ms p99 ${connect.p99} ms` +
			(info.stages_ms
				? `; p50 of tcp ${info.stages_ms.tcp.p50} ms, upgrade ${info.stages_ms.upgrade.p50} ms, then ${info.stages_ms.ready_after_upgrade.p50} ms`
				: '')
	);
	return info;
}

/** Waits until no frame arrived for settleQuietMs (join storms, history), at most settleMaxMs. */
export async function settle() {
	const t0 = performance.now();
	while (
		performance.now() - t0 < cfg.settleMaxMs &&
		performance.now() - live.lastFrameAt < cfg.settleQuietMs
	)
		await sleep(50);
	return round((performance.now() - t0) / 1000);
}
