import { timingSafeEqual } from 'node:crypto';
import { getApp } from '$lib/server/app';
import type { RequestHandler } from './$types';

/** Prometheus text format; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`. */
export const GET: RequestHandler = async ({ request }) => {
	const app = getApp();
	const token = app.config.metricsToken;
	if (token && !sameSecret(request.headers.get('authorization') ?? '', `Bearer ${token}`)) {
		return new Response('Unauthorized\n', {
			status: 401,
			headers: { 'WWW-Authenticate': 'Bearer', 'Content-Type': 'text/plain' }
		});
	}
	return new Response(await app.metrics.registry.metrics(), {
		headers: { 'Content-Type': app.metrics.registry.contentType, 'Cache-Control': 'no-store' }
	});
};

/** Compares without leaking through timing how much of the token was right. */
function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}
