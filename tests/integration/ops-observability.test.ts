import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, login, register, userClient } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

const TOKEN = 'scrape-secret-1';
let server: TestServer;
beforeAll(async () => {
	server = await startServer({
		METRICS_TOKEN: TOKEN,
		LOG_LEVEL: 'info',
		RATE_LIMIT_BURST: '4',
		RATE_LIMIT_PER_SEC: '0.001'
	});
});
afterAll(() => server?.dispose());

const scrape = async () => {
	const res = await fetch(`${server.url}/metrics`, {
		headers: { authorization: `Bearer ${TOKEN}` }
	});
	expect(res.status).toBe(200);
	return res.text();
};

/** The value of one sample line, e.g. value(text, 'chat_messages_total{kind="text"}'). */
function value(text: string, sample: string): number {
	const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
	return line ? Number(line.slice(sample.length + 1)) : NaN;
}

describe('GET /metrics', () => {
	it('requires the bearer token when METRICS_TOKEN is set', async () => {
		const none = await fetch(`${server.url}/metrics`);
		expect(none.status).toBe(401);
		expect(none.headers.get('www-authenticate')).toBe('Bearer');
		const wrong = await fetch(`${server.url}/metrics`, {
			headers: { authorization: 'Bearer scrape-secret-2' }
		});
		expect(wrong.status).toBe(401);
		expect(await scrape()).toContain('chat_connections');
	});

	it('counts connections, users, messages, deliveries, latencies, errors and rate limits', async () => {
		const a = await userClient(server, 'metrica');
		const b = await userClient(server, 'metricb');
		const before = await scrape();
		expect(value(before, 'chat_connections')).toBe(2);
		expect(value(before, 'chat_users_online')).toBe(2);

		for (let i = 0; i < 3; i++) a.client.send({ type: 'message', content: `m${i}` });
		for (let i = 0; i < 3; i++) await b.client.next((e) => e.content === `m${i}`);
		a.client.send({ type: 'private_message', to_id: b.user.id, content: 'psst' });
		await b.client.next('private_message');
		a.client.send('not json');
		expect((await a.client.next('error')).content.code).toBe('invalid_json');
		a.client.send({ type: 'message', content: 'one too many' }); // burst 4 is used up
		expect((await a.client.next('error')).content.code).toBe('rate_limited');

		const after = await scrape();
		expect(value(after, 'chat_messages_total{kind="text"}')).toBe(3);
		expect(value(after, 'chat_messages_total{kind="private"}')).toBe(1);
		// Three room messages reached two connections each.
		expect(value(after, 'chat_deliveries_total')).toBeGreaterThanOrEqual(6);
		expect(value(after, 'chat_send_commit_seconds_count')).toBe(4);
		expect(value(after, 'chat_send_fanout_seconds_count')).toBe(4);
		expect(value(after, 'chat_db_commit_seconds_count')).toBeGreaterThanOrEqual(1);
		expect(value(after, 'chat_errors_total{code="invalid_json"}')).toBe(1);
		expect(value(after, 'chat_errors_total{code="rate_limited"}')).toBe(1);
		expect(value(after, 'chat_rate_limited_total')).toBe(1);
		expect(value(after, 'chat_send_buffer_bytes')).toBeGreaterThanOrEqual(0);
		await a.client.close();
		await b.client.close();
	});

	it('exposes event-loop lag, process and HTTP metrics', async () => {
		const text = await scrape();
		for (const name of [
			'nodejs_eventloop_lag_seconds',
			'nodejs_eventloop_lag_p99_seconds',
			'process_resident_memory_bytes',
			'process_cpu_seconds_total',
			'nodejs_heap_size_used_bytes',
			'chat_http_request_seconds_bucket'
		]) {
			expect(text).toContain(`\n${name}`);
		}
		expect(text).toMatch(
			/chat_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/
		);
	});

	it('answers in the Prometheus text format, never cached', async () => {
		const res = await fetch(`${server.url}/metrics`, {
			headers: { authorization: `Bearer ${TOKEN}` }
		});
		expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
		expect(res.headers.get('cache-control')).toBe('no-store');
	});
});

describe('request ids and logs', () => {
	it('answers every request with an X-Request-Id, keeping a well-formed incoming one', async () => {
		const own = await fetch(`${server.url}/api/rooms`, {
			headers: { 'x-request-id': 'edge-42.a' }
		});
		expect(own.headers.get('x-request-id')).toBe('edge-42.a');
		const made = await fetch(`${server.url}/api/rooms`, {
			headers: { 'x-request-id': 'bad id with spaces' }
		});
		expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
		const line = await logLine((l) => l.req === 'edge-42.a');
		expect(line).toMatchObject({ level: 30, method: 'GET', path: '/api/rooms', status: 401 });
		expect(typeof line.ms).toBe('number');
		// Health checks are logged at debug only.
		await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'probe-1' } });
		await fetch(`${server.url}/api/rooms`, { headers: { 'x-request-id': 'after-probe' } });
		await logLine((l) => l.req === 'after-probe'); // lines are in order: the probe's would be before
		expect(server.output()).not.toContain('probe-1');
	});

	it('never logs passwords or message text at info level', async () => {
		const { cookie } = await register(server, 'quietone', 'secret-password-777');
		await login(server, 'quietone', 'wrong-password-888');
		const client = await connect(server, { cookie });
		client.send({ type: 'message', content: 'classified-message-text' });
		await client.next((e) => e.content === 'classified-message-text');
		await fetch(`${server.url}/api/auth/login?next=x`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-request-id': 'login-probe' },
			body: JSON.stringify({ username: 'quietone', password: 'secret-password-777' })
		});
		await logLine((l) => l.req === 'login-probe');
		const out = server.output();
		expect(out).not.toContain('secret-password-777');
		expect(out).not.toContain('wrong-password-888');
		expect(out).not.toContain('classified-message-text');
		expect(out).not.toContain('next=x');
		await client.close();
	});
});

describe('security headers', () => {
	const expectHardened = (res: Response) => {
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('referrer-policy')).toBe('same-origin');
		expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
	};

	it('sends a CSP with nonces on pages, and the page uses them', async () => {
		const res = await fetch(`${server.url}/login`);
		expectHardened(res);
		const csp = res.headers.get('content-security-policy')!;
		expect(csp).toContain("default-src 'self'");
		const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
		expect(nonce).toBeTruthy();
		const html = await res.text();
		// Every inline script SvelteKit renders carries the header's nonce.
		const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
		expect(scripts.length).toBeGreaterThan(0);
		for (const attrs of scripts) expect(attrs).toContain(`nonce="${nonce}"`);
	});

	it('hardens API answers, errors and 404s too', async () => {
		expectHardened(await fetch(`${server.url}/api/me`));
		expectHardened(await fetch(`${server.url}/no/such/page`));
		expectHardened(
			await fetch(`${server.url}/api/auth/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: '{nope'
			})
		);
		const api = await fetch(`${server.url}/api/rooms`);
		expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
	});
});

/** Waits for a JSON log line matching `pred` in the server's output. */
async function logLine(pred: (l: Record<string, unknown>) => boolean) {
	const deadline = Date.now() + 5000;
	for (;;) {
		for (const raw of server.output().split('\n')) {
			if (!raw.startsWith('{')) continue;
			const line = JSON.parse(raw) as Record<string, unknown>;
			if (pred(line)) return line;
		}
		if (Date.now() > deadline) throw new Error('log line not found');
		// Log lines arrive through a pipe; there is no event to await but the next chunk.
		await new Promise<void>((r) => server.proc.stdout!.once('data', () => r()));
	}
}
