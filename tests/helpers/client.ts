import WebSocket from 'ws';
import type { TestServer } from './server';

/** An event as the server sends it. */
export type Event = { type: string; content?: any; [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A test WebSocket client that queues every event so tests can await the next one of a
 * type (no sleeps), and that records its close code.
 */
export class TestClient {
	readonly events: Event[] = [];
	private cursor = 0;
	private waiters: (() => void)[] = [];
	closeCode: number | null = null;
	closed: Promise<number>;

	constructor(readonly ws: WebSocket) {
		ws.on('message', (data, isBinary) => {
			this.events.push(isBinary ? { type: '__binary__' } : JSON.parse(String(data)));
			this.wake();
		});
		this.closed = new Promise((resolve) => {
			ws.on('close', (code) => {
				this.closeCode = code;
				this.wake();
				resolve(code);
			});
		});
		ws.on('error', () => {});
	}

	private wake() {
		const waiters = this.waiters;
		this.waiters = [];
		for (const w of waiters) w();
	}

	send(msg: unknown) {
		this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
	}

	/** Waits for the next event (after the last one taken) matching `pred`; skips others. */
	async next(pred: string | ((e: Event) => boolean), timeoutMs = 5000): Promise<Event> {
		const match = typeof pred === 'string' ? (e: Event) => e.type === pred : pred;
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			while (this.cursor < this.events.length) {
				const e = this.events[this.cursor++];
				if (match(e)) return e;
			}
			if (this.closeCode !== null)
				throw new Error(`socket closed (${this.closeCode}) while waiting for ${String(pred)}`);
			const left = deadline - Date.now();
			if (left <= 0) {
				throw new Error(
					`timed out waiting for ${String(pred)}; got: ${JSON.stringify(this.events.slice(-5)).slice(0, 800)}`
				);
			}
			await new Promise<void>((resolve) => {
				const t = setTimeout(resolve, left);
				this.waiters.push(() => {
					clearTimeout(t);
					resolve();
				});
			});
		}
	}

	/** Sends and waits for the reply of a type. */
	async request(msg: Record<string, unknown>, replyType: string): Promise<Event> {
		this.send(msg);
		return this.next(replyType);
	}

	/** Every event received so far of a type (not consuming). */
	all(type: string): Event[] {
		return this.events.filter((e) => e.type === type);
	}

	close() {
		this.ws.close();
		return this.closed;
	}
}

export interface ConnectOptions {
	cookie?: string;
	origin?: string | null;
	path?: string;
	/** Wait for the connection sequence (welcome, users, history). Default true when identified. */
	waitWelcome?: boolean;
}

export async function connect(server: TestServer, opts: ConnectOptions = {}): Promise<TestClient> {
	const headers: Record<string, string> = {};
	if (opts.cookie) headers.cookie = opts.cookie;
	if (opts.origin !== null) headers.origin = opts.origin ?? server.url;
	const ws = new WebSocket(`ws://127.0.0.1:${server.port}${opts.path ?? '/ws'}`, { headers });
	const client = new TestClient(ws);
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('unexpected-response', (_req, res) =>
			reject(new Error(`upgrade refused: ${res.statusCode}`))
		);
		ws.once('error', reject);
	});
	if (opts.waitWelcome ?? true) await client.next('history');
	return client;
}

/** The HTTP status an upgrade attempt gets (101 when accepted, 0 when nothing answers). */
export async function upgradeStatus(
	server: TestServer,
	path = '/ws',
	headers: Record<string, string> = {}
): Promise<number> {
	return (await upgradeAnswer(server, path, headers)).status;
}

/** The status of an upgrade attempt (101 when it opened) and the refusal's headers. */
export function upgradeAnswer(
	server: TestServer,
	path = '/ws',
	headers: Record<string, string> = {}
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
	return new Promise((resolve) => {
		const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers });
		ws.once('open', () => {
			resolve({ status: 101, headers: {} });
			ws.close();
		});
		ws.once('unexpected-response', (_req, res) =>
			resolve({ status: res.statusCode ?? 0, headers: res.headers })
		);
		ws.once('error', () => resolve({ status: 0, headers: {} }));
	});
}

/** Registers an account over HTTP; returns its user and the session cookie. */
export async function register(server: TestServer, username: string, password = 'password123') {
	const res = await fetch(`${server.url}/api/auth/register`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: server.url },
		body: JSON.stringify({ username, password })
	});
	if (res.status !== 201)
		throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
	const body = await res.json();
	return {
		user: body.user as { id: number; username: string; name: string; is_admin: boolean },
		cookie: cookieOf(res)
	};
}

export async function login(server: TestServer, username: string, password = 'password123') {
	const res = await fetch(`${server.url}/api/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: server.url },
		body: JSON.stringify({ username, password })
	});
	return { res, cookie: res.ok ? cookieOf(res) : '' };
}

export function cookieOf(res: Response): string {
	const set = res.headers.getSetCookie().find((c) => c.startsWith('session='));
	return set ? set.split(';')[0] : '';
}

/** Registers and connects a user in one go. */
export async function userClient(server: TestServer, username: string) {
	const { user, cookie } = await register(server, username);
	const client = await connect(server, { cookie });
	return { user, cookie, client };
}
