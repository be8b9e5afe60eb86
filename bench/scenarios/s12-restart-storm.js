// Scenario 12 (issue 13): a restart storm. 10,000 connected clients (half accounts with
// session cookies, half guests) keep track of the messages of general; the server is
// restarted — gracefully (SIGTERM), then with `kill -9` — on the same port and database, a few
// messages are posted while they reconnect, and every client must come back and resume with
// no gap and no duplicate, reconnecting as the web app does (backoff with jitter). Goal: every
// client back within 30 s of each restart. Ours only: the bare ws server keeps no history.

import { request } from '../lib/http.js';
import { runLoadgen } from '../lib/loadgen-process.js';
import { freePort, reportCrash, startServer } from '../lib/servers.js';
import { stormStore } from '../lib/storm-store.js';
import { fmt, runRecord } from '../lib/summary.js';

const BACK_WITHIN_S = 30;
const POSTS_PER_ROUND = 5;

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 12,
	title: `restart storm: ${bench.opts.s9Connections.toLocaleString('en')} connected clients, the server restarted (SIGTERM, then kill -9)${bench.opts.backend === 'postgres' ? ', on PostgreSQL + Redis' : ''}`,
	goal: `every client back and resumed with no gap within ${BACK_WITHIN_S} s of each restart`,
	targets: ['ours'],
	run: () => scenario12(bench)
});

/** @param {import('../lib/context.js').Bench} bench */
async function scenario12(bench) {
	const n = bench.opts.s9Connections;
	const half = Math.floor(n / 2);
	const q = await bench.quiet();
	const store = stormStore(bench, 's12');
	const port = await freePort();
	// Node's default timeouts (the baseline's), not ours of 10 s for headers: the load generator,
	// one process on one core for 5,000 reconnecting clients, writes some upgrade requests
	// seconds after their connection opened — a real storm comes from 10,000 machines.
	const env = {
		...store.env,
		HTTP_HEADERS_TIMEOUT_MS: '60000',
		HTTP_REQUEST_TIMEOUT_MS: '300000'
	};
	let server = await startServer(bench, 'ours', { port, env });
	const { cookieFile, seed: reg } = await store.seed(server, half, 'restart');
	server = await startServer(bench, 'ours', { port, env });

	/** @type {number[]} */
	const posted = [];
	const post = async () => {
		for (let i = 0; i < POSTS_PER_ROUND; i++) {
			const res = await request(`${server.base}/api/rooms/general/messages`, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					origin: server.base,
					cookie: reg.cookie
				},
				body: JSON.stringify({ content: `round message ${posted.length + 1}` }),
				timeoutMs: 30_000
			});
			if (res.status !== 201) throw new Error(`post: HTTP ${res.status} ${res.body.slice(0, 200)}`);
			posted.push(JSON.parse(res.body).id);
		}
	};

	/** Per load generator: resolvers of its next `ready` / `all_back`. */
	const waiters = [new Map(), new Map()];
	const next = (/** @type {number} */ i, /** @type {string} */ ev) =>
		new Promise((resolve) => waiters[i].set(ev, resolve));
	const common = {
		url: server.wsUrl,
		mode: 'restart',
		clients: half,
		senders: 0,
		connectConcurrency: 1000,
		connectTimeoutMs: 60_000,
		connectPhaseTimeoutMs: 600_000,
		localAddresses: Math.max(1, Math.ceil(half / 5000)),
		settleQuietMs: 300,
		settleMaxMs: 60_000,
		readyOn: 'history',
		maxRunS: 1800
	};
	const loadgens = [{ auth: 'cookies', cookieFile }, { auth: 'guest' }].map((auth, i) =>
		runLoadgen(
			{ ...common, ...auth },
			{
				serverPid: server.pid,
				label: `[ours ${i === 0 ? 'accounts' : 'guests'}]`,
				onEvent: (ev) => {
					waiters[i].get(ev.ev)?.(ev);
					waiters[i].delete(ev.ev);
				}
			}
		)
	);
	/** @type {any[]} */
	const rounds = [];
	let crashed = false;
	try {
		await Promise.all([next(0, 'ready'), next(1, 'ready')]);
		await post();
		for (const hard of [false, true]) {
			const back = Promise.all([next(0, 'all_back'), next(1, 'all_back')]);
			const t0 = performance.now();
			await server.stop(hard);
			server = await startServer(bench, 'ours', { port, env });
			const upS = (performance.now() - t0) / 1000;
			await post();
			const timeout = new Promise((r) => setTimeout(() => r(null), 120_000));
			const answers = /** @type {any} */ (await Promise.race([back, timeout]));
			rounds.push({
				restart: hard ? 'kill -9' : 'SIGTERM',
				server_back_s: Math.round(upS * 10) / 10,
				all_back_s: answers ? Math.max(...answers.map((/** @type {any} */ a) => a.seconds)) : null
			});
			if (!answers) break;
		}
		for (const lg of loadgens) lg.tell(`expect ${posted.join(',')}`);
	} finally {
		for (const lg of loadgens) lg.stop();
		crashed = server.crashed();
		if (crashed) reportCrash(server);
	}
	const results = await Promise.all(loadgens.map((lg) => lg.done));
	await server.stop();
	await store.dispose();
	const missing = results.reduce((a, r) => a + (r.result?.clients_missing_ids ?? n), 0);
	const dups = results.reduce((a, r) => a + (r.result?.clients_with_duplicates ?? 0), 0);
	/** @type {Record<string, number>} */
	const refused = {};
	for (const r of results)
		for (const [k, v] of Object.entries(r.result?.connect_failures ?? {}))
			refused[k] = (refused[k] ?? 0) + Number(v);
	const pass =
		rounds.length === 2 &&
		rounds.every((r) => r.all_back_s !== null && r.all_back_s <= BACK_WITHIN_S) &&
		missing === 0 &&
		dups === 0 &&
		!crashed;
	const text =
		rounds
			.map(
				(r) =>
					`${r.restart}: server up again in ${fmt(r.server_back_s)} s, all ${n.toLocaleString('en')} back and resumed ${r.all_back_s === null ? 'not within 120 s' : `in ${fmt(r.all_back_s)} s`}`
			)
			.join('; ') +
		`; ${posted.length} messages posted around the restarts: ${missing} clients missed some, ${dups} got one twice` +
		`; failed reconnection attempts ${JSON.stringify(refused)}`;
	return {
		ok: results.every((r) => r.result?.ok) && !crashed,
		pass,
		text,
		rounds,
		clients_missing_ids: missing,
		clients_with_duplicates: dups,
		run: runRecord('ours', q, results[0].result, results[0].code, crashed, server)
	};
}
