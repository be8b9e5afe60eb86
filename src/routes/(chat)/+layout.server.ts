import { redirect } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { publicUser, requireUser } from '$lib/server/http';
import type { LayoutServerLoad } from './$types';

/**
 * Data for every chat address (`/`, `/r/<room>`, `/dm/<username>`). It reads neither the URL
 * nor the params, so it runs once per page load: switching conversations fetches nothing.
 * The rooms are here so a reload of `/r/<room>` renders that room at once, before the socket.
 */
export const load: LayoutServerLoad = async (event) => {
	const { locals } = event;
	if (!locals.user) redirect(303, '/login');
	const app = getApp();
	const who = requireUser(event);
	// A new account becomes a member of general here, on its first page, not only on its first
	// socket: otherwise this page would render general's count without it, then jump by one
	// when the welcome arrives. The connection sequence then finds the membership stored.
	const { rooms: mine, newcomer } = await app.chat.roomsOnArrival(who);
	if (newcomer) await app.chat.announceNewcomer(who);
	const [directs, rooms] = await Promise.all([
		// The protocol's welcome lists rooms only; these let the sidebar show DMs before any is opened.
		app.storage.directs
			.summaries(locals.user.id, 50)
			.then((list) => app.notifications.decorateDirects(who.id, list)),
		app.chat
			.roomSummaries(who, { known: mine })
			.then((list) => app.notifications.decorateRooms(who, list))
	]);
	return {
		user: publicUser(locals.user),
		directs,
		rooms,
		mute: app.moderation.muteOf(locals.user.id) ?? null,
		maxMessageLength: app.config.maxMessageLength,
		heartbeatMs: app.config.heartbeatMs
	};
};
