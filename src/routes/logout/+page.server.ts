import { redirect } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies }) => {
		if (locals.sessionId) await getApp().auth.logout(locals.sessionId);
		clearSessionCookie(cookies);
		redirect(303, '/login');
	}
};
