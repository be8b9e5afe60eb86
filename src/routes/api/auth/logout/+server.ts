import { getApp } from '$lib/server/app';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(async () => {
		if (event.locals.sessionId) await getApp().auth.logout(event.locals.sessionId);
		clearSessionCookie(event.cookies);
		return new Response(null, { status: 204 });
	});
