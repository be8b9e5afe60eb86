import { redirect } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { directSummaries } from '$lib/server/chat/directs';
import { publicUser } from '$lib/server/http';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	const app = getApp();
	return {
		user: publicUser(locals.user),
		directs: directSummaries(app.sqlite, locals.user.id),
		mute: app.moderation.muteOf(locals.user.id) ?? null,
		maxMessageLength: app.config.maxMessageLength
	};
};
