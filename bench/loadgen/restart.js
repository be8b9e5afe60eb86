// Restart mode: the clients are connected and keep track of the messages of general they
// receive. When the server goes away, each reconnects the way the web app does — exponential
// backoff with jitter, 0.5 s doubling to 30 s, each delay drawn from the upper half of its
// range (src/lib/client/socket.svelte.ts) — and sends `resume {after_id}` with the last id it
// saw, as its first frame (before the welcome, as the web app does). Emits `all_back` (seconds from the first loss to the last `resumed`) each time every
// client is back; `expect <ids>` on stdin then `stop` ends it with the count of clients that
// miss any of those ids or got one twice.

import { performance } from 'node:perf_hooks';
import { clients } from './client.js';
import { connectClient } from './connect.js';
import { emit, log, round, sleep } from './output.js';
import { live } from './state.js';

/** @typedef {import('./client.js').Client} Client */

/** The web app's backoff (socket.svelte.ts): 0.5 s · 2^attempt up to 30 s, upper half, jittered. */
const backoff = (/** @type {number} */ attempt) => {
	const cap = Math.min(30_000, 500 * 2 ** attempt);
	return cap / 2 + Math.random() * (cap / 2);
};

/** Per client: ids of general received (and how many frames carried them), lost/back times. */
const seen = new Map();
let away = 0;
let firstLoss = 0;
let lastBack = 0;
let attempts = 0;

/** @param {Client} c */
function watch(c) {
	let mine = seen.get(c);
	if (!mine) seen.set(c, (mine = { ids: new Set(), frames: 0, lostAt: 0 }));
	c.waiter = (ev) => {
		if (ev.type === 'message' && ev.room === 'general' && typeof ev.id === 'number') {
			mine.ids.add(ev.id);
			mine.frames++;
			if (ev.id > c.lastId) c.lastId = ev.id;
		} else if (ev.type === 'resumed' && mine.lostAt) {
			mine.lostAt = 0;
			lastBack = performance.now();
			if (--away === 0) {
				const seconds = round((lastBack - firstLoss) / 1000);
				emit({ ev: 'all_back', seconds, attempts });
				log(`all ${clients.length} clients back and resumed ${seconds} s after the first loss`);
			}
		}
	};
	const ws = c.ws;
	const onclose = ws?.onclose;
	if (!ws) return;
	ws.onclose = (code) => {
		onclose?.(code);
		if (live.shuttingDown || live.stopRequested) return;
		c.ready = false;
		if (!mine.lostAt) {
			mine.lostAt = performance.now();
			if (away++ === 0) firstLoss = mine.lostAt;
		}
		void reconnect(c, 0);
	};
}

/** @param {Client} c @param {number} attempt */
async function reconnect(c, attempt) {
	await sleep(backoff(attempt));
	if (live.stopRequested) return;
	attempts++;
	c.welcomed = false;
	c.resumeAfter = c.lastId;
	if (!(await connectClient(c, c.cookie))) {
		// Its `resumed` may have come before the connection failed: it is away again.
		const mine = seen.get(c);
		if (mine && !mine.lostAt) {
			mine.lostAt = performance.now();
			away++;
		}
		return reconnect(c, attempt + 1);
	}
	watch(c);
}

export async function runRestart() {
	for (const c of clients) if (c.ready) watch(c);
	emit({ ev: 'ready', open: live.readyOpen });
	log(`holding ${live.readyOpen} connections; they reconnect and resume when they lose them`);
	while (!live.stopRequested) await sleep(100);
	const expected = live.expectedIds ?? [];
	let missing = 0;
	let duplicated = 0;
	for (const [, mine] of seen) {
		if (expected.some((id) => !mine.ids.has(id))) missing++;
		if (mine.frames > mine.ids.size) duplicated++;
	}
	return {
		open_at_end: live.readyOpen,
		still_away: away,
		reconnect_attempts: attempts,
		expected_ids: expected.length,
		clients_missing_ids: missing,
		clients_with_duplicates: duplicated
	};
}
