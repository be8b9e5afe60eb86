import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { adminStats } from '$lib/server/moderation/overview';
import { api, requireAdmin } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** The panel's live figures: users online, connections, messages in the last hour, uptime… */
export const GET: RequestHandler = (event) =>
	api(async () => {
		await requireAdmin(event);
		return json(await adminStats(getApp()));
	});
