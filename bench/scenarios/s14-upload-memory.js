// Scenario 14 (issue 14): a 10 MiB upload must not be held in memory. The server's RSS is
// sampled every 2 ms while one upload streams in (the body written in 64 KiB chunks with
// backpressure, as a browser sends a file); the figure is the peak above the RSS just before,
// after a forced garbage collection. Three uploads; the worst counts. Ours only: the bare `ws`
// baseline has no uploads.

import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { connectInspector } from '../lib/inspector.js';
import { PASSWORD } from '../lib/db.js';
import { register } from '../lib/http.js';
import { mb, memory } from '../lib/procstat.js';
import { freePort, reportCrash, startServer } from '../lib/servers.js';
import { fmt } from '../lib/summary.js';

const SIZE = 10 * 1024 * 1024;
const CHUNK = 64 * 1024;
const RUNS = 3;
const GOAL_MB = 5;

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 14,
	title: 'server memory while a 10 MiB file uploads',
	goal: `RSS rises by ≤ ${GOAL_MB} MiB`,
	targets: ['ours'],
	run: () => scenario14(bench)
});

/**
 * Streams one multipart upload of `SIZE` random bytes; resolves with the HTTP status.
 * @param {string} base @param {string} cookie
 */
function uploadOnce(base, cookie) {
	const boundary = `bench${randomBytes(8).toString('hex')}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
			'Content-Type: application/octet-stream\r\n\r\n'
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	return new Promise((resolve, reject) => {
		const req = http.request(`${base}/api/uploads`, {
			method: 'POST',
			headers: {
				cookie,
				origin: base,
				'content-type': `multipart/form-data; boundary=${boundary}`,
				'content-length': String(head.length + SIZE + tail.length)
			}
		});
		req.on('response', (res) => {
			res.resume();
			res.on('end', () => resolve(res.statusCode ?? 0));
		});
		req.on('error', reject);
		req.write(head);
		let sent = 0;
		const more = () => {
			while (sent < SIZE) {
				const n = Math.min(CHUNK, SIZE - sent);
				sent += n;
				if (!req.write(randomBytes(n))) return void req.once('drain', more);
			}
			req.end(tail);
		};
		more();
	});
}

/** @param {import('../lib/context.js').Bench} bench */
async function scenario14(bench) {
	const q = await bench.quiet();
	const inspectPort = await freePort();
	const server = await startServer(bench, 'ours', {
		nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`],
		env: { UPLOAD_DIR: `${bench.newDbFile('s14')}.uploads`, UPLOADS_PER_MINUTE: '1000' }
	});
	const inspector = await connectInspector(inspectPort).catch(() => null);
	try {
		const reg = await register(server.base, 'bench_uploader', PASSWORD);
		// One upload first: loads the parser, the sniffer and the file system paths.
		if ((await uploadOnce(server.base, reg.cookie)) !== 201)
			throw new Error('warm-up upload failed');
		/** @type {{ before: number, peak: number, status: number, ms: number }[]} */
		const runs = [];
		for (let i = 0; i < RUNS; i++) {
			await inspector?.gc();
			const before = memory(server.pid)?.rss ?? 0;
			let peak = before;
			const timer = setInterval(() => {
				const rss = memory(server.pid)?.rss ?? 0;
				if (rss > peak) peak = rss;
			}, 2);
			const t0 = performance.now();
			const status = await uploadOnce(server.base, reg.cookie);
			const ms = performance.now() - t0;
			clearInterval(timer);
			peak = Math.max(peak, memory(server.pid)?.rss ?? 0);
			runs.push({ before, peak, status, ms });
		}
		const worst = Math.max(...runs.map((r) => r.peak - r.before));
		const failed = runs.filter((r) => r.status !== 201).length;
		const crashed = server.crashed();
		if (crashed) reportCrash(server);
		const pass = !crashed && failed === 0 && mb(worst) <= GOAL_MB;
		return {
			ok: !crashed && failed === 0,
			pass,
			text:
				`RSS rose by at most ${fmt(mb(worst))} MiB over ${RUNS} uploads of 10 MiB ` +
				`(${runs.map((r) => `${fmt(mb(r.peak - r.before))} MiB in ${fmt(r.ms, 0)} ms`).join(', ')}; ` +
				`RSS before ${fmt(mb(runs[0].before))} MiB)` +
				(inspector ? '' : ' — no forced GC') +
				(failed ? `; ${failed} uploads failed` : ''),
			rss_rise_mb: mb(worst),
			runs: runs.map((r) => ({
				rise_mb: mb(r.peak - r.before),
				before_mb: mb(r.before),
				status: r.status,
				ms: Math.round(r.ms)
			})),
			quiet: q
		};
	} finally {
		inspector?.close();
		await server.stop();
	}
}
