// HTTP mode: sequential GETs of a URL template (`{before}` replaced by a random id), timed
// one at a time on one keep-alive connection, so each figure is one request's latency.

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { summarize } from '../lib/histogram.js';
import { request } from '../lib/http.js';
import { cfg, httpBase, origin } from './config.js';
import { log } from './output.js';
import { bump, counters, live } from './state.js';

export async function runHttp() {
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
	for (let i = 0; i < total && !live.stopRequested; i++) {
		const before = cfg.beforeMin + Math.floor(Math.random() * span);
		const url = httpBase + cfg.httpPath.replace('{before}', String(before));
		const t = performance.now();
		try {
			const res = await request(url, { headers, agent, timeoutMs: 10_000 });
			const ms = performance.now() - t;
			if (res.status !== 200) {
				bump(failures, `http_${res.status}`);
				if (i === 0)
					counters.notes.push(`first answer: HTTP ${res.status} ${res.body.slice(0, 200)}`);
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
