import { getApp } from '$lib/server/app';
import { api, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** Signs one of your sessions out by its public id: its sockets close with 4001. */
export const DELETE: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		await getApp().account.signOut(who, event.params.id.slice(0, 64));
		return new Response(null, { status: 204 });
	});
