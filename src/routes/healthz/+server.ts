import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import type { RequestHandler } from './$types';

/**
 * 200 when this process can serve: its database answers and (several processes) its Redis
 * bus is connected; 503 otherwise, so a load balancer sends new clients elsewhere.
 */
export const GET: RequestHandler = async () => {
	const app = getApp();
	try {
		if (!app.bus.healthy) throw new Error('bus unavailable');
		await app.storage.maintenance.ping();
		return json({ status: 'ok' });
	} catch {
		return json({ status: 'unavailable' }, { status: 503 });
	}
};
