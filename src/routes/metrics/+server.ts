import { getApp } from '$lib/server/app';
import { metricsAccess } from '$lib/server/metrics-access';
import type { RequestHandler } from './$types';

/** Prometheus text format, for whom metricsAccess lets in (loopback, a token, or everyone). */
export const GET: RequestHandler = async (event) => {
	const app = getApp();
	const access = metricsAccess(event, app.config);
	if (access !== 'ok') {
		return new Response(access === 'token' ? 'Unauthorized\n' : 'Forbidden\n', {
			status: access === 'token' ? 401 : 403,
			headers: {
				'Content-Type': 'text/plain',
				...(access === 'token' && { 'WWW-Authenticate': 'Bearer' })
			}
		});
	}
	return new Response(await app.metrics.registry.metrics(), {
		headers: { 'Content-Type': app.metrics.registry.contentType, 'Cache-Control': 'no-store' }
	});
};
