import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { api, publicUser, readJson } from '$lib/server/http';
import type { RequestHandler } from './$types';
import { httpClientAddress } from '$lib/server/realtime/address';

export const POST: RequestHandler = (event) =>
	api(async () => {
		const result = await getApp().auth.register(
			await readJson(event.request),
			httpClientAddress(event),
			event.request.headers.get('user-agent') ?? ''
		);
		setSessionCookie(
			event.cookies,
			result.token,
			result.expiresAt,
			event.url.protocol === 'https:'
		);
		return json({ user: publicUser(result.user) }, { status: 201 });
	});
