// Talks to a server started with --inspect=127.0.0.1:<port> (scenario 4 only): forces a full
// garbage collection before memory is sampled, so "memory per connection" measures what the
// connections keep alive rather than when V8 last happened to collect, and reads the server's
// own process.memoryUsage().

import { WebSocket } from 'ws';
import { request } from './http.js';

/**
 * @param {number} port the inspector port
 * @param {number} [timeoutMs]
 */
export async function connectInspector(port, timeoutMs = 10_000) {
	const deadline = Date.now() + timeoutMs;
	/** @type {string | undefined} */
	let url;
	while (!url && Date.now() < deadline) {
		try {
			const res = await request(`http://127.0.0.1:${port}/json/list`, { timeoutMs: 2000 });
			url = JSON.parse(res.body)[0]?.webSocketDebuggerUrl;
		} catch {
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	if (!url) throw new Error(`no inspector on port ${port}`);
	const ws = new WebSocket(url, { perMessageDeflate: false });
	await new Promise((resolve, reject) => {
		ws.once('open', resolve);
		ws.once('error', reject);
	});
	let nextId = 0;
	/** @type {Map<number, (msg: any) => void>} */
	const pending = new Map();
	ws.on('message', (data) => {
		const msg = JSON.parse(data.toString());
		const done = msg.id ? pending.get(msg.id) : undefined;
		if (done) {
			pending.delete(msg.id);
			done(msg);
		}
	});
	/** @param {string} method @param {Record<string, unknown>} [params] @returns {Promise<any>} */
	const call = (method, params = {}) =>
		new Promise((resolve, reject) => {
			const id = ++nextId;
			const timer = setTimeout(() => {
				pending.delete(id);
				reject(new Error(`inspector: ${method} timed out`));
			}, 60_000);
			pending.set(id, (msg) => {
				clearTimeout(timer);
				if (msg.error) reject(new Error(`inspector: ${method}: ${msg.error.message}`));
				else resolve(msg.result);
			});
			ws.send(JSON.stringify({ id, method, params }));
		});
	return {
		/** A full, synchronous garbage collection in the server. */
		async gc() {
			await call('HeapProfiler.collectGarbage');
		},
		/** @returns {Promise<NodeJS.MemoryUsage>} */
		async memoryUsage() {
			const r = await call('Runtime.evaluate', {
				expression: 'JSON.stringify(process.memoryUsage())',
				returnByValue: true
			});
			return JSON.parse(r.result.value);
		},
		close() {
			ws.terminate();
		}
	};
}
