import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import type { RequestHandler } from './$types';

/** A database that has not answered a trivial query in this long counts as down. */
const PING_TIMEOUT_MS = 2000;

/**
 * 200 when this process can serve: its database answers and (several processes) its Redis
 * bus is connected; 503 otherwise, so a load balancer sends new clients elsewhere.
 */
export const GET: RequestHandler = async () => {
	const app = getApp();
	try {
		if (!app.bus.healthy) throw new Error('bus unavailable');
		await withTimeout(app.storage.maintenance.ping(), PING_TIMEOUT_MS);
		return json({ status: 'ok' });
	} catch {
		return json({ status: 'unavailable' }, { status: 503 });
	}
};

/** Rejects when `work` has not settled after `ms`, so the check answers while a link hangs. */
function withTimeout(work: Promise<void>, ms: number): Promise<void> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error('no answer')), ms);
	});
	return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
