import { getApp } from '$lib/server/app';
import { api, readJson, requireUser } from '$lib/server/http';
import { httpClientAddress } from '$lib/server/realtime/address';
import type { RequestHandler } from './$types';

/** `{current_password, new_password}` → 204; every other session of the account ends. */
export const POST: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		await getApp().account.changePassword(
			who,
			await readJson(event.request),
			httpClientAddress(event)
		);
		return new Response(null, { status: 204 });
	});
