// Small HTTP helpers over node:http (so localAddress / agents / timeouts are ours to choose).

import http from 'node:http';

/**
 * @typedef {{ status: number, headers: http.IncomingHttpHeaders, body: string }} HttpResult
 */

/**
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string, string>, body?: string, agent?: http.Agent, localAddress?: string, timeoutMs?: number }} [opts]
 * @returns {Promise<HttpResult>}
 */
export function request(url, opts = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{
				method: opts.method ?? 'GET',
				headers: opts.headers,
				agent: opts.agent,
				localAddress: opts.localAddress,
				timeout: opts.timeoutMs ?? 10_000
			},
			(res) => {
				/** @type {Buffer[]} */
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						headers: res.headers,
						body: Buffer.concat(chunks).toString()
					})
				);
				res.on('error', reject);
			}
		);
		req.on('timeout', () =>
			req.destroy(new Error(`timeout after ${opts.timeoutMs ?? 10_000} ms: ${url}`))
		);
		req.on('error', reject);
		if (opts.body !== undefined) req.end(opts.body);
		else req.end();
	});
}

/**
 * `name=value` pairs of every Set-Cookie header, joined for a Cookie request header.
 * @param {http.IncomingHttpHeaders} headers
 */
export function cookieFromSetCookie(headers) {
	const list = headers['set-cookie'] ?? [];
	return list
		.map((c) => c.split(';')[0].trim())
		.filter((kv) => kv.includes('=') && !/=\s*$/.test(kv))
		.join('; ');
}

/**
 * Registers an account; returns the session cookie and the user.
 * @param {string} base http://host:port
 * @param {string} username
 * @param {string} password
 * @param {{ localAddress?: string, agent?: http.Agent }} [opts]
 */
export async function register(base, username, password, opts = {}) {
	const res = await request(`${base}/api/auth/register`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: base, accept: 'application/json' },
		body: JSON.stringify({ username, password }),
		localAddress: opts.localAddress,
		agent: opts.agent,
		timeoutMs: 30_000
	});
	if (res.status !== 201 && res.status !== 200) {
		throw new Error(`register ${username}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
	}
	const cookie = cookieFromSetCookie(res.headers);
	if (!cookie) throw new Error(`register ${username}: no Set-Cookie in the answer`);
	/** @type {any} */
	let user = null;
	try {
		const body = JSON.parse(res.body);
		user = body.user ?? body;
	} catch {
		/* ignore */
	}
	return { cookie, user };
}

/**
 * Polls GET /healthz until 200 or the deadline.
 * @param {string} base
 * @param {number} timeoutMs
 * @param {() => boolean} [stillAlive] stops early when the process died
 */
export async function waitHealthy(base, timeoutMs, stillAlive = () => true) {
	const deadline = Date.now() + timeoutMs;
	let last = '';
	while (Date.now() < deadline) {
		if (!stillAlive()) throw new Error('server process exited before it became healthy');
		try {
			const res = await request(`${base}/healthz`, { timeoutMs: 2000 });
			if (res.status === 200) return;
			last = `HTTP ${res.status}`;
		} catch (err) {
			last = String(/** @type {Error} */ (err).message ?? err);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`server not healthy after ${timeoutMs} ms (${last})`);
}
