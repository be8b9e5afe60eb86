import { redirect } from '@sveltejs/kit';
import { publicUser } from '$lib/server/http';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	return { user: publicUser(locals.user) };
};
