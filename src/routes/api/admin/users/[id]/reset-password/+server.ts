import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { ServiceError } from '$lib/server/errors';
import { api, requireAdmin } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** An admin resets a password: the temporary one comes back once; the user must replace it. */
export const POST: RequestHandler = (event) =>
	api(async () => {
		const who = await requireAdmin(event);
		const id = Number(event.params.id);
		if (!Number.isSafeInteger(id) || id < 1)
			throw new ServiceError('invalid_input', 'id must be a positive user id', 400);
		const temporary = await getApp().moderation.resetPassword(who, id);
		return json({ temporary_password: temporary });
	});
