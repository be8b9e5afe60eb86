// Scenario 13 (issue 14): full-text search on a room of a million messages — an English word,
// a quoted phrase and a 2-character Chinese query, each asked 300 times one at a time over a
// keep-alive connection. The messages are seeded straight into the stopped server's SQLite
// file (the FTS triggers index them as they go in): English sentences from a 200-word
// vocabulary, one in five Chinese, with the searched words at realistic rates
// (`budget` in ~0.5 %, the phrase in ~0.05 %, 会议 in ~1 %). Ours only.

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { PASSWORD, sqlite } from '../lib/db.js';
import { register, request } from '../lib/http.js';
import { summarize } from '../lib/histogram.js';
import { log } from '../lib/log.js';
import { reportCrash, startServer } from '../lib/servers.js';
import { fmt } from '../lib/summary.js';

const REQUESTS = 300;
const WARMUP = 20;
const GOAL_MS = 50;

const WORDS = (
	'the a to of and in is it you that for on was with he as be at by this have from or one had ' +
	'not but what all were when we there can an your which their said if do will each about how ' +
	'up out them then she many some so these would other into has more her two like him see time ' +
	'could no make than first been its who now people my made over did down only way find use may ' +
	'water long little very after words called just where most know get through back much before ' +
	'go good new write our used me man too any day same right look think also around another came ' +
	'come work three word must because does part even place well such here take why things help ' +
	'put years different away again off went old number great tell men say small every found still ' +
	'between name should home big give air line set own under read last never us left end along ' +
	'while might next sound below saw something thought both few those always looked show large ' +
	'often together asked house world going want school important until form food keep children'
).split(' ');
const CHINESE = [
	'明天的会议改到三点',
	'我们下周讨论一下这个问题',
	'请把文件发给我',
	'今天天气很好',
	'项目进展顺利吗',
	'晚上一起吃饭吧',
	'这个功能什么时候上线',
	'周五的会议取消了'
];
const QUERIES = [
	{ label: 'English word', q: 'budget' },
	{ label: 'phrase', q: '"quarterly budget review"' },
	{ label: '2-character Chinese', q: '会议' }
];

/** A deterministic sentence for message `i` (mulberry32 on i). @param {number} i */
function body(i) {
	let a = (i * 2654435761) >>> 0;
	const rnd = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	if (i % 5 === 0) {
		// Chinese: two phrases; 会议 is in 2 of 8, so about 1 % of all messages.
		const one = CHINESE[Math.floor(rnd() * CHINESE.length)];
		const two = CHINESE[Math.floor(rnd() * CHINESE.length)];
		return i % 4 === 0 ? `${one}，${two}` : `${CHINESE[2]}，${CHINESE[3]}`;
	}
	const n = 6 + Math.floor(rnd() * 9);
	const words = Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)]);
	if (i % 199 === 3) words.splice(2, 0, 'budget');
	if (i % 1999 === 7) words.splice(1, 0, 'quarterly', 'budget', 'review');
	return words.join(' ');
}

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 13,
	title: `search a room of ${bench.opts.s6Rows.toLocaleString('en')} messages: a word, a phrase, 2 Chinese characters`,
	goal: `p99 ≤ ${GOAL_MS} ms for each query`,
	targets: ['ours'],
	run: () => scenario13(bench)
});

/** @param {import('../lib/context.js').Bench} bench */
async function scenario13(bench) {
	const q = await bench.quiet();
	const dbFile = bench.newDbFile('s13');
	const env = { SEARCH_PER_SEC: '100000', SEARCH_BURST: '100000' };
	let server = await startServer(bench, 'ours', { dbFile, env });
	const reg = await register(server.base, 'bench_searcher', PASSWORD);
	await server.stop();
	log(`seeding ${bench.opts.s6Rows.toLocaleString('en')} messages (indexed by the FTS triggers)…`);
	const { seedRoomMessages } = await sqlite();
	const seed = seedRoomMessages(dbFile, {
		room: 'general',
		count: bench.opts.s6Rows,
		senderId: reg.user?.id ?? 1,
		senderName: reg.user?.name ?? 'bench_searcher',
		body,
		log
	});
	log(`seeded ${seed.rows.toLocaleString('en')} rows in ${seed.seconds} s`);
	server = await startServer(bench, 'ours', { dbFile, env });
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	try {
		/** @type {Record<string, unknown>[]} */
		const results = [];
		for (const { label, q: query } of QUERIES) {
			const url = `${server.base}/api/search?q=${encodeURIComponent(query)}&limit=20`;
			const headers = { cookie: reg.cookie, origin: server.base, accept: 'application/json' };
			/** @type {number[]} */
			const times = [];
			let failures = 0;
			let found = 0;
			for (let i = 0; i < WARMUP + REQUESTS; i++) {
				const t = performance.now();
				const res = await request(url, { headers, agent });
				const ms = performance.now() - t;
				if (res.status !== 200) {
					failures++;
					continue;
				}
				found = JSON.parse(res.body).messages.length;
				if (i >= WARMUP) times.push(ms);
			}
			const lat = summarize(times);
			log(`search ${label}: p50 ${lat.p50} ms p99 ${lat.p99} ms, ${found} results a page`);
			results.push({
				label,
				query,
				p50_ms: lat.p50,
				p99_ms: lat.p99,
				max_ms: lat.max,
				found,
				failures
			});
		}
		const crashed = server.crashed();
		if (crashed) reportCrash(server);
		const failed = results.some((r) => r.failures || !r.found);
		const pass =
			!crashed && !failed && results.every((r) => /** @type {number} */ (r.p99_ms) <= GOAL_MS);
		return {
			ok: !crashed && !failed,
			pass,
			text:
				results
					.map((r) => `${r.label} ${r.query}: p99 ${fmt(r.p99_ms, 1)} ms (p50 ${fmt(r.p50_ms, 1)})`)
					.join('; ') + ` on ${fmt(seed.rows, 0)} messages`,
			queries: results,
			seed: { rows: seed.rows, seconds: seed.seconds },
			quiet: q
		};
	} finally {
		agent.destroy();
		await server.stop();
	}
}
