import { json } from '@sveltejs/kit';
import { idSchema } from '$lib/protocol/client';
import { getApp } from '$lib/server/app';
import { notFound } from '$lib/server/errors';
import { api, parseBody, requireUser } from '$lib/server/http';
import { directoryUser } from '$lib/server/users/directory';
import { onlineAccounts } from '../online';
import type { RequestHandler } from './$types';

/** One person for the profile card: display name, @username, admin, online. */
export const GET: RequestHandler = (event) =>
	api(async () => {
		requireUser(event);
		const id = parseBody(idSchema, event.params.id);
		const app = getApp();
		const user = await directoryUser(app.storage.directory, id, await onlineAccounts(app));
		if (!user) throw notFound('User not found');
		return json(user);
	});
