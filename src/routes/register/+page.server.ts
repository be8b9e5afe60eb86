import { redirect } from '@sveltejs/kit';
import { credentialsAction } from '$lib/server/auth/form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.user) redirect(303, '/');
};

export const actions: Actions = { default: (event) => credentialsAction(event, 'register') };
