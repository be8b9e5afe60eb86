import { json } from '@sveltejs/kit';
import { profileSchema } from '$lib/protocol/client';
import { getApp } from '$lib/server/app';
import { api, parseBody, readJson, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** `set_profile` over HTTP: the same body; answers the profile now (and publishes it). */
export const PUT: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		const input = parseBody(profileSchema, await readJson(event.request));
		return json(await getApp().profiles.setText(who, input));
	});
