import WebSocket, { type ClientOptions } from 'ws';
import { TestClient } from './client';
import type { TestServer } from './server';

/**
 * Lower-level helpers for the identity and limits tests: sockets with `ws` options of our
 * choosing (no auto-pong, any Origin or none), and direct writes to the server's database
 * for states no API of this branch can produce yet (a ban, an expired session).
 */

export interface RawOptions extends ClientOptions {
	path?: string;
	/** The Origin header; omitted when undefined (like a command-line tool). */
	origin?: string;
	cookie?: string;
}

/** Opens a socket and resolves once it is open (no waiting for the connection sequence). */
export async function rawClient(server: TestServer, opts: RawOptions = {}): Promise<TestClient> {
	const { path = '/ws', origin, cookie, ...options } = opts;
	const headers: Record<string, string> = { ...(options.headers ?? {}) };
	if (origin !== undefined) headers.origin = origin;
	if (cookie) headers.cookie = cookie;
	const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { ...options, headers });
	const client = new TestClient(ws);
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('unexpected-response', (_req, res) =>
			reject(new Error(`upgrade refused: ${res.statusCode}`))
		);
		ws.once('error', reject);
	});
	return client;
}

/** Direct writes to the server's database (either backend): see db.ts. */
export { writeDb } from './db';

/** POSTs JSON to the API and returns the response. */
export function postJson(server: TestServer, path: string, body: unknown, cookie?: string) {
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		origin: server.url
	};
	if (cookie) headers.cookie = cookie;
	return fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}
