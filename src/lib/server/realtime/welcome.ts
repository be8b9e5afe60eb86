import { systemEvent } from '$lib/protocol/events';
import type { App } from '../app';
import { DEFAULT_ROOM } from '../chat/rooms';
import type { Connection, Identity } from './connection';
import { roomHistoryEvent } from './history';

/**
 * How long live events are held back after the connection sequence while the client may
 * still send `resume` (see Connection.hold): long enough for a reconnecting client's first
 * frame, short enough that a client that never resumes barely notices.
 */
const RESUME_WINDOW_MS = 150;

/**
 * The connection sequence of PROTOCOL.md §4 for a connection that was just identified:
 * subscribe, `welcome`, `users`, `history` of general, a `muted` reminder, and `join` to
 * everyone else when this is the user's first connection.
 */
export function runConnectionSequence(app: App, conn: Connection, identity: Identity): void {
	conn.identity = identity;
	const first = app.hub.attach(conn);
	const newcomer = app.chat.ensureDefaultMembership(identity);
	for (const room of app.chat.roomsOf(identity)) app.hub.subscribe(conn, room.name);
	// Everything committed after this point reaches the connection live; `resume` covers the rest.
	conn.subscribedUpTo = app.chat.store.lastCommittedId;
	app.log.debug({ conn: conn.id, user: identity.id }, 'connection admitted');

	conn.sendEvent(
		systemEvent('welcome', {
			user_id: identity.id,
			user_name: identity.name,
			username: identity.username,
			message: `Welcome, ${identity.name}!`,
			is_admin: identity.isAdmin,
			is_guest: identity.isGuest,
			server_stats: {
				users_online: app.hub.usersOnline,
				uptime_seconds: app.uptimeSeconds(),
				server_time: Math.floor(Date.now() / 1000)
			},
			rooms: app.roomSummaries(identity)
		})
	);
	conn.sendEvent(systemEvent('users', app.hub.onlineUsers()));
	const general = app.chat.rooms.require(DEFAULT_ROOM);
	const page = app.chat.store.roomPage(general.id, undefined, 100);
	conn.sendEvent(roomHistoryEvent(app, identity.id, DEFAULT_ROOM, page));
	// A muted user learns it on every connection, so a reloaded page shows the countdown.
	const mute = identity.isGuest ? undefined : app.moderation.muteOf(identity.id);
	if (mute) conn.sendEvent(systemEvent('muted', { until: mute.until, reason: mute.reason }));
	if (first) {
		const join = {
			type: 'join',
			from_id: identity.id,
			from_name: identity.name,
			content: {
				user_id: identity.id,
				user_name: identity.name,
				users_online: app.hub.usersOnline
			},
			timestamp: Math.floor(Date.now() / 1000)
		};
		app.hub.toAll(JSON.stringify(join), identity.id);
	}
	conn.hold(RESUME_WINDOW_MS);
	// A new account is a new member of general: counts everywhere follow (after the welcome).
	if (newcomer) app.chat.announceNewcomer(identity);
}
