// Scenario 11's burst of logins, in a process of its own at the lowest CPU priority (nice 19)
// on the load generators' core. The 1,000 clients logging in stand for 1,000 other machines:
// run inside the orchestrator (which shares the chat load generator's core) their own CPU
// work delayed the chat's receivers and showed up as chat latency the server did not cause.
// Each login comes from an address of its own (X-Forwarded-For, which the scenario's server
// trusts through ADDRESS_HEADER), as 1,000 people would: from one address the per-address
// login throttle refused all but ~20 at once, and the burst never reached the argon2 line.
// Reads {base, wsUrl, count, prefix, password} as JSON from argv[2]; prints one JSON line
// {seconds, outcomes: ["http ok", "ws error rate_limited", …]}.

import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { request } from './lib/http.js';

const { base, wsUrl, count, prefix, password } = JSON.parse(process.argv[2]);

/** The address login `i` comes from: 10.x.y.z, one each. */
const addressOf = (/** @type {number} */ i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** @returns {Promise<string>} "http ok", "http 429", … */
async function httpLogin(
	/** @type {string} */ username,
	/** @type {string} */ address,
	/** @type {Agent} */ agent
) {
	try {
		const res = await request(`${base}/api/auth/login`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				origin: base,
				accept: 'application/json',
				'x-forwarded-for': address
			},
			body: JSON.stringify({ username, password }),
			agent,
			timeoutMs: 60_000
		});
		return res.status === 200 ? 'http ok' : `http ${res.status}`;
	} catch (err) {
		return `http error ${/** @type {Error} */ (err).message.slice(0, 40)}`;
	}
}

/** An `auth` message on a fresh socket: "ws ok" on auth_success, else what came instead. */
function socketLogin(/** @type {string} */ username, /** @type {string} */ address) {
	return new Promise((resolve) => {
		const ws = new WebSocket(wsUrl, { origin: base, headers: { 'x-forwarded-for': address } });
		const done = (/** @type {string} */ outcome) => {
			clearTimeout(timer);
			ws.terminate();
			resolve(outcome);
		};
		const timer = setTimeout(() => done('ws timeout'), 60_000);
		ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', username, password })));
		ws.on('message', (data) => {
			const ev = JSON.parse(String(data));
			if (ev.type === 'auth_success') done('ws ok');
			else if (ev.type === 'auth_failed')
				done(`ws auth_failed ${ev.content?.reason ?? ev.content?.code ?? ''}`.trim());
			else if (ev.type === 'error') done(`ws error ${ev.content?.code}`);
		});
		ws.on('unexpected-response', (_req, res) => done(`ws http ${res.statusCode}`));
		ws.on('error', () => done('ws error'));
		ws.on('close', (code) => done(`ws closed ${code}`));
	});
}

const t0 = performance.now();
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const outcomes = await Promise.all(
	Array.from({ length: count }, (_, i) =>
		i % 2 === 0
			? httpLogin(`${prefix}${i}`, addressOf(i), agent)
			: socketLogin(`${prefix}${i}`, addressOf(i))
	)
);
process.stdout.write(JSON.stringify({ seconds: (performance.now() - t0) / 1000, outcomes }) + '\n');
