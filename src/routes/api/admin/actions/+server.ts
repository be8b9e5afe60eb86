import { json } from '@sveltejs/kit';
import { adminActionSchema } from '$lib/protocol/admin';
import { getApp } from '$lib/server/app';
import { api, parseBody, readJson, requireAdmin } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** kick | mute | unmute | ban | unban | promote | demote, through the one moderation service. */
export const POST: RequestHandler = (event) =>
	api(async () => {
		const who = await requireAdmin(event);
		const input = parseBody(adminActionSchema, await readJson(event.request));
		const result = await getApp().moderation.perform(who, input);
		return json({ ok: true, ...result });
	});
