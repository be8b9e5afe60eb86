import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { api, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(async () => {
		const app = getApp();
		const who = requireUser(event);
		return json(await app.notifications.decorateRooms(who, await app.chat.roomSummaries(who)));
	});
