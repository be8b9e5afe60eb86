import { json } from '@sveltejs/kit';
import { notifySchema } from '$lib/protocol/client';
import { getApp } from '$lib/server/app';
import { api, parseBody, readJson, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** `set_notifications` over HTTP: the same body; answers the setting now in force. */
export const PUT: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		const input = parseBody(notifySchema, await readJson(event.request));
		return json(await getApp().notifications.set(who, input));
	});
