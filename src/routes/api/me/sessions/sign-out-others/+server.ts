import { getApp } from '$lib/server/app';
import { api, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** Signs out every session of yours but this one. */
export const POST: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		await getApp().account.signOutOthers(who);
		return new Response(null, { status: 204 });
	});
