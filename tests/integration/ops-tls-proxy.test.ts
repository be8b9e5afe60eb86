import { execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer | undefined;
afterEach(() => server?.dispose());

/** A self-signed certificate for 127.0.0.1, made with openssl in the server's temp dir. */
function selfSigned(dir: string) {
	const cert = join(dir, 'cert.pem');
	const key = join(dir, 'key.pem');
	execFileSync('openssl', [
		'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
		'-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1',
		'-addext', 'subjectAltName=IP:127.0.0.1'
	], { stdio: 'ignore' }); // prettier-ignore
	return { TLS_CERT: cert, TLS_KEY: key };
}

/** One HTTPS request that accepts the self-signed certificate. */
function httpsPost(url: string, body: unknown, headers: Record<string, string> = {}) {
	return new Promise<{ status: number; cookies: string[] }>((resolve, reject) => {
		const req = request(
			url,
			{
				method: 'POST',
				rejectUnauthorized: false,
				headers: { 'content-type': 'application/json', ...headers }
			},
			(res) => {
				res.resume();
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [] })
				);
			}
		);
		req.on('error', reject);
		req.end(JSON.stringify(body));
	});
}

async function openSocket(url: string, options: WebSocket.ClientOptions) {
	const client = new TestClient(new WebSocket(url, options));
	await new Promise((resolve, reject) => {
		client.ws.once('open', resolve);
		client.ws.once('error', reject);
	});
	return client;
}

describe('TLS', () => {
	it('serves HTTPS and WSS on one port, with Secure session cookies', async () => {
		const first = await startServer();
		const tlsEnv = selfSigned(first.dir);
		await first.stop();
		server = await startServer(tlsEnv, first);
		expect(server.url).toMatch(/^https:/);

		const res = await httpsPost(`${server.url}/api/auth/register`, {
			username: 'tlsuser',
			password: 'password123'
		});
		expect(res.status).toBe(201);
		const setCookie = res.cookies.find((c) => c.startsWith('session='))!;
		expect(setCookie).toMatch(/;\s*Secure/i);

		const client = await openSocket(server.wsUrl, {
			rejectUnauthorized: false,
			headers: { cookie: setCookie.split(';')[0], origin: server.url }
		});
		const welcome = await client.next('welcome');
		expect(welcome.content.user_name).toBe('tlsuser');
		client.send({ type: 'message', content: 'over wss' });
		expect((await client.next('message')).content).toBe('over wss');
		await client.close();

		// Plain HTTP on the TLS port gets nowhere.
		await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();
	});
});

describe('behind a reverse proxy', () => {
	const proxyEnv = {
		ADDRESS_HEADER: 'X-Forwarded-For',
		XFF_DEPTH: '1',
		PROTOCOL_HEADER: 'x-forwarded-proto',
		HOST_HEADER: 'x-forwarded-host',
		LOGIN_MAX_FAILURES: '2'
	};

	/** A command-line client (no cookie) trying to log in as if forwarded for `address`. */
	async function wsLogin(address: string, password: string) {
		const client = await openSocket(server!.wsUrl, {
			headers: { 'x-forwarded-for': `10.9.9.9, ${address}` }
		});
		client.send({ type: 'auth', username: 'proxied', password });
		const reply = await client.next((e) => e.type === 'auth_failed' || e.type === 'auth_success');
		client.ws.terminate();
		return reply.type === 'auth_success' ? 'ok' : reply.content.code;
	}

	it('throttles by the forwarded client address, on the socket and over HTTP alike', async () => {
		server = await startServer(proxyEnv);
		const reg = await fetch(`${server.url}/api/auth/register`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-forwarded-for': '203.0.113.50',
				'x-forwarded-proto': 'https'
			},
			body: JSON.stringify({ username: 'proxied', password: 'password123' })
		});
		expect(reg.status).toBe(201);
		// The proxy said the client spoke https: the cookie is Secure.
		expect(reg.headers.getSetCookie().join()).toMatch(/;\s*Secure/i);

		expect(await wsLogin('203.0.113.1', 'wrong-password')).toBe('wrong_credentials');
		expect(await wsLogin('203.0.113.1', 'wrong-password')).toBe('wrong_credentials');
		expect(await wsLogin('203.0.113.1', 'password123')).toBe('throttled');
		// The login page shares the counter (adapter-node reads the same header).
		const http = await fetch(`${server.url}/api/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.1' },
			body: JSON.stringify({ username: 'proxied', password: 'password123' })
		});
		expect(http.status).toBe(429);
		// Another client behind the same proxy is not locked out.
		expect(await wsLogin('203.0.113.2', 'password123')).toBe('ok');
	});

	it('trusts an Origin matching the forwarded host', async () => {
		server = await startServer(proxyEnv);
		const reg = await fetch(`${server.url}/api/auth/register`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.60' },
			body: JSON.stringify({ username: 'hosted', password: 'password123' })
		});
		const cookie = reg.headers.getSetCookie()[0].split(';')[0];
		// The proxy forwards the scheme too (PROTOCOL_HEADER): the Origin must match both.
		const proxied = (proto: string) => ({
			cookie,
			origin: 'https://chat.example',
			'x-forwarded-host': 'chat.example',
			'x-forwarded-proto': proto
		});
		const client = await openSocket(server.wsUrl, { headers: proxied('https') });
		expect((await client.next('welcome')).content.user_name).toBe('hosted');
		await client.close();
		// The same page origin reaching the plain-http side of the proxy is another origin.
		const plain = await openSocket(server.wsUrl, { headers: proxied('http') });
		expect((await plain.request({ type: 'get_rooms' }, 'error')).content.code).toBe('unauthorized');
		await plain.close();
	});
});
