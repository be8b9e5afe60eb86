import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { getApp } from '$lib/server/app';
import { api, publicUser, requireUser } from '$lib/server/http';
import { notFound, ServiceError } from '$lib/server/errors';
import { toSessionUser } from '$lib/server/auth/sessions';
import type { RequestHandler } from './$types';

/** Exactly one of `username` (as in `/dm/<username>`) or `id` (a DM opened by peer id). */
const query = z.union([
	z.object({ username: z.string().min(1).max(32) }).strict(),
	z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict()
]);

/**
 * One account by username or id, for the web app's conversation addresses: `/dm/<username>`
 * names a person the page may know only by id (or not at all). Session required, like the
 * people directory; answers `{user: {id, username, name, is_admin}}` or 404.
 */
export const GET: RequestHandler = (event) =>
	api(async () => {
		requireUser(event);
		const parsed = query.safeParse(Object.fromEntries(event.url.searchParams));
		if (!parsed.success)
			throw new ServiceError('invalid_message', 'Give either ?username= or ?id=', 400);
		const { auth } = getApp();
		const row = 'username' in parsed.data ? await auth.findByUsername(parsed.data.username) : null;
		const user = row
			? toSessionUser(row)
			: 'id' in parsed.data && (await auth.getUser(parsed.data.id));
		if (!user) throw notFound('No such user');
		return json({ user: publicUser(user) });
	});
