import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { idSchema } from '$lib/protocol/client';
import { getApp } from '$lib/server/app';
import { api, parseBody, requireUser } from '$lib/server/http';
import { MAX_PROFILE_IDS } from '$lib/server/profiles/service';
import type { RequestHandler } from './$types';

/** `?ids=1,2,3`: up to MAX_PROFILE_IDS account ids, comma-separated. */
const query = z.object({
	ids: z
		.string()
		.max(MAX_PROFILE_IDS * 17)
		.transform((s) => s.split(',').filter(Boolean))
});
const idsSchema = z.array(idSchema).min(1).max(MAX_PROFILE_IDS);

/**
 * Profiles by id (docs/protocol.md, "Profiles (issue 15)"): `{profiles: [{id, avatar_url,
 * status, time_zone}]}`, unknown ids left out. Avatars and statuses are for anyone who can use
 * the chat; any logged-in account may ask.
 */
export const GET: RequestHandler = (event) =>
	api(async () => {
		requireUser(event);
		const { ids: raw } = parseBody(query, Object.fromEntries(event.url.searchParams.entries()));
		const ids = parseBody(idsSchema, raw);
		return json({ profiles: await getApp().profiles.many([...new Set(ids)]) });
	});
