import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { api, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** Your live sessions, most recently seen first; `current` marks the one asking. */
export const GET: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		return json({ sessions: await getApp().account.sessions(who) });
	});
