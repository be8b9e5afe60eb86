import { redirect } from '@sveltejs/kit';
import { credentialsAction } from '$lib/server/auth/form';
import { loginReason } from '$lib/login-reasons';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, '/');
	// A known code or nothing: the page never shows text taken from the URL.
	return { reason: loginReason(url.searchParams.get('reason')) };
};

export const actions: Actions = { default: (event) => credentialsAction(event, 'login') };
