import { json } from '@sveltejs/kit';
import { api, publicUser, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(() => {
		requireUser(event);
		return json({ user: publicUser(event.locals.user!) });
	});
