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
		const setting = await getApp().notifications.set(who, input);
		return json(
			input.room !== undefined ? { room: input.room, ...setting } : { with: input.with, ...setting }
		);
	});
