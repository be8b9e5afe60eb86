import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { searchPage } from '$lib/protocol/wire';
import { getApp } from '$lib/server/app';
import { api, parseBody, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The query string of PROTOCOL.md §11; `q`'s 2-character minimum is the service's (terms). */
const query = z
	.object({
		q: z.string().max(200, 'q: at most 200 characters'),
		room: z.string().min(1).max(64).optional(),
		with: id.optional(),
		from: id.optional(),
		before: id.optional(),
		limit: z.coerce.number().int().min(1).max(50).default(20)
	})
	.strict()
	.refine((p) => p.room === undefined || p.with === undefined, 'Give either room or with');

/**
 * Full-text search over what the user may see now (PROTOCOL.md §11; matching, snippets and
 * limits in docs/protocol.md, "Search"): 200 `{messages, has_more}`, newest first.
 */
export const GET: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		const input = parseBody(query, Object.fromEntries(event.url.searchParams));
		const { hits, has_more } = await getApp().search.search(who, input);
		return json(searchPage(hits, has_more, who.id));
	});
