import { getApp } from '$lib/server/app';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ request }) => {
	const app = getApp();
	const token = app.config.metricsToken;
	if (token && request.headers.get('authorization') !== `Bearer ${token}`) {
		return new Response('Unauthorized\n', {
			status: 401,
			headers: { 'WWW-Authenticate': 'Bearer' }
		});
	}
	app.stats();
	return new Response(await app.metrics.registry.metrics(), {
		headers: { 'Content-Type': app.metrics.registry.contentType }
	});
};
