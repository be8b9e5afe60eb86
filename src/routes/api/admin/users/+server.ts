import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { listUsers } from '$lib/server/moderation/overview';
import { api, publicUser, readJson, requireAdmin } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** The panel's user list: `?q=` filters by username or name; online users first. */
export const GET: RequestHandler = (event) =>
	api(async () => {
		await requireAdmin(event);
		const q = (event.url.searchParams.get('q') ?? '').trim().slice(0, 64);
		return json(await listUsers(getApp(), q));
	});

/** An admin creates an account: the way in when REGISTRATION=closed. */
export const POST: RequestHandler = (event) =>
	api(async () => {
		const who = await requireAdmin(event);
		const user = await getApp().moderation.createAccount(who, await readJson(event.request));
		return json({ user: publicUser(user) }, { status: 201 });
	});
