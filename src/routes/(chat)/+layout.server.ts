import { redirect } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { directSummaries } from '$lib/server/chat/directs';
import { publicUser, requireUser } from '$lib/server/http';
import type { LayoutServerLoad } from './$types';

/**
 * Data for every chat address (`/`, `/r/<room>`, `/dm/<username>`). It reads neither the URL
 * nor the params, so it runs once per page load: switching conversations fetches nothing.
 * The rooms are here so a reload of `/r/<room>` renders that room at once, before the socket.
 */
export const load: LayoutServerLoad = (event) => {
	const { locals } = event;
	if (!locals.user) redirect(303, '/login');
	const app = getApp();
	return {
		user: publicUser(locals.user),
		directs: directSummaries(app.sqlite, locals.user.id),
		rooms: app.chat.roomSummaries(requireUser(event)),
		mute: app.moderation.muteOf(locals.user.id) ?? null,
		maxMessageLength: app.config.maxMessageLength,
		heartbeatMs: app.config.heartbeatMs
	};
};
