import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { api, parseBody, requireUser } from '$lib/server/http';
import { directoryQuerySchema, searchDirectory } from '$lib/server/users/directory';
import { onlineAccounts } from './online';
import type { RequestHandler } from './$types';

/** The people directory: `?q=&limit=&offset=`, online first; any logged-in account may ask. */
export const GET: RequestHandler = (event) =>
	api(async () => {
		requireUser(event);
		const query = parseBody(
			directoryQuerySchema,
			Object.fromEntries(event.url.searchParams.entries())
		);
		const app = getApp();
		return json(await searchDirectory(app.storage.directory, query, await onlineAccounts(app)));
	});
