import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { api, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(async () => json(await getApp().chat.roomSummaries(requireUser(event))));
