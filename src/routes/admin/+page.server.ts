import { error, redirect } from '@sveltejs/kit';
import { AUDIT_PAGE } from '$lib/protocol/admin';
import { getApp } from '$lib/server/app';
import { adminStats, listUsers } from '$lib/server/moderation/overview';
import { publicUser } from '$lib/server/http';
import type { PageServerLoad } from './$types';

/** The admin panel: logged-out visitors log in first; everyone but admins gets 403. */
export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	if (!locals.user.isAdmin) error(403, 'This page is for admins only.');
	const app = getApp();
	const [stats, users, audit] = await Promise.all([
		adminStats(app),
		listUsers(app, ''),
		app.moderation.auditLog({ limit: AUDIT_PAGE + 1 })
	]);
	return { me: publicUser(locals.user), stats, users, audit };
};
