import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpPacing } from './http-pacing';

const turn = () => new Promise((r) => setImmediate(r));

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A real HTTP server whose requests go through the pacing; `started` counts handler starts. */
async function pacedServer(maxWaiting: number) {
	const pacing = new HttpPacing(maxWaiting);
	const state = { started: 0, arrived: 0 };
	server = createServer((req, res) => {
		state.arrived++;
		pacing.serve(req, res, () => {
			state.started++;
			res.end('ok');
		});
	});
	server.keepAliveTimeout = 1;
	await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
	const port = (server.address() as AddressInfo).port;
	const get = () =>
		new Promise<{ status: number; body: string; retryAfter?: string }>((resolve, reject) => {
			const req = request({ port, host: '127.0.0.1', path: '/', agent: false }, (res) => {
				let body = '';
				res.on('data', (c) => (body += c));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						body,
						retryAfter: res.headers['retry-after'] as string | undefined
					})
				);
			});
			req.on('error', reject);
			req.end();
		});
	return { pacing, state, get };
}

describe('HttpPacing', () => {
	it('starts at most 8 requests per turn of the event loop, all of them in the end', async () => {
		const { pacing, state, get } = await pacedServer(1000);
		// A burst: hold the event loop until all 40 have arrived (the pacing sees them together).
		const answers = Promise.all(Array.from({ length: 40 }, get));
		while (state.arrived < 40) await turn();
		const seen: number[] = [];
		while (state.started < 40) {
			seen.push(state.started);
			await turn();
		}
		// Between two turns no more than 8 more started, and some waited.
		for (let i = 1; i < seen.length; i++) expect(seen[i] - seen[i - 1]).toBeLessThanOrEqual(8);
		expect(seen.some((n) => n < state.arrived)).toBe(true);
		expect((await answers).every((a) => a.status === 200 && a.body === 'ok')).toBe(true);
		expect(pacing.waiting).toBe(0);
	});

	it('answers 503 with Retry-After when too many wait, and serves the rest', async () => {
		const pacing = new HttpPacing(4);
		let started = 0;
		const answers: { status: number; headers: Record<string, string>; body: string }[] = [];
		// 30 requests in one go, as one poll phase hands them over.
		for (let i = 0; i < 30; i++) {
			const res = {
				writeHead(status: number, headers: Record<string, string>) {
					answers.push({ status, headers, body: '' });
				},
				end(body: string) {
					answers.at(-1)!.body = body;
				}
			};
			const req = { resume() {} };
			pacing.serve(req as never, res as never, () => started++);
		}
		// 4 wait, the other 26 are refused at once, before any work.
		expect(answers.length).toBe(26);
		expect(answers.every((a) => a.status === 503 && a.headers['Retry-After'] === '1')).toBe(true);
		expect(JSON.parse(answers[0].body).error.code).toBe('unavailable');
		while (pacing.waiting > 0) await turn();
		expect(started).toBe(4);
	});
});
