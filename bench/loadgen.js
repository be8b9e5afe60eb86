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
//   restart    like idle, and every client that loses its socket reconnects as the web app
//              does (backoff with jitter) and sends `resume`; reports when all are back, and
//              on `expect <ids>` (stdin) whether each client got those messages of general.
//   http       time sequential GETs of a URL template (`{before}` replaced by a random id).
//
// Options are the keys of DEFAULTS in bench/loadgen/config.js (--clients 1000, --auth register,
// --client ws, ...), or a whole JSON object with --config. --urls a,b spreads the clients over
// several servers round-robin (client i on server i mod n, senders too). --server-pid lets each window record
// whether another process took CPU from the server or from us (/proc/<pid>/schedstat); such
// "contended" windows are repeated.
//
// Output: one JSON object per line on stdout ({"ev": ...}); the last is {"ev":"result",...}.
// Human-readable progress goes to stderr. Commands on stdin: `stop` (end hold / abort steps).
//
// Examples:
//   node bench/loadgen.js --url ws://127.0.0.1:3100/ws --clients 100 --senders 10 --rate 10 --duration 10
//   node bench/loadgen.js --url ws://127.0.0.1:3100/ws --clients 1000 --senders 10 --steps 2,4,6,8 --duration 5
//   node bench/loadgen.js --config '{"url":"ws://127.0.0.1:3000/ws","mode":"idle","clients":10000}'
//
// Layout: loadgen/config.js (options), client.js, connect.js and frames.js (the clients and
// what they receive), sending.js, contention.js, state.js (counters), and one file per mode:
// broadcast.js, ack.js, idle.js, http.js.

import readline from 'node:readline';
import { runAck } from './loadgen/ack.js';
import { runBroadcast } from './loadgen/broadcast.js';
import { clients } from './loadgen/client.js';
import { cfg, runTag } from './loadgen/config.js';
import { connectAll, settle } from './loadgen/connect.js';
import { runHttp } from './loadgen/http.js';
import { runIdle } from './loadgen/idle.js';
import { runRestart } from './loadgen/restart.js';
import { emit, log, round } from './loadgen/output.js';
import { counters, live } from './loadgen/state.js';

function listenStdin() {
	if (process.stdin.isTTY && !cfg.exitOnStdinEnd) return;
	const rl = readline.createInterface({ input: process.stdin });
	rl.on('line', (line) => {
		if (line.trim() === 'stop') live.stopRequested = true;
		else if (line.startsWith('expect ')) live.expectedIds = line.slice(7).split(',').map(Number);
	});
	rl.on('close', () => {
		if (cfg.exitOnStdinEnd) {
			live.stopRequested = true;
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
		else if (cfg.mode === 'restart') body = await runRestart();
		else throw new Error(`unknown mode ${cfg.mode}`);
	}
	const cpu = process.cpuUsage(cpuStart);
	const result = {
		ev: 'result',
		ok: true,
		mode: cfg.mode,
		url: cfg.urls?.length ? cfg.urls : cfg.url,
		run_tag: runTag,
		started_at: startedAt,
		clients: cfg.clients,
		senders: cfg.senders,
		auth: cfg.auth,
		connected,
		settle_s: settleS,
		...body,
		errors_by_code: counters.errorsByCode,
		closes_by_code: counters.closesByCode,
		connect_failures: counters.connectFailures,
		events_by_type: counters.eventsByType,
		order_violations: counters.orderViolations,
		ready_without_history: counters.readyWithoutHistory,
		parse_errors: counters.parseErrors,
		frames: counters.totalFrames,
		loadgen_cpu_s: round((cpu.user + cpu.system) / 1e6),
		loadgen_rss_mb: Math.round(process.memoryUsage().rss / 1048576),
		notes: counters.notes
	};
	live.shuttingDown = true;
	for (const c of clients) c.ws?.terminate();
	process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
}

main().catch((err) => {
	emit({ ev: 'result', ok: false, error: String(err?.stack ?? err) });
	log(String(err?.stack ?? err));
	process.exitCode = 1;
	setTimeout(() => process.exit(1), 100);
});
