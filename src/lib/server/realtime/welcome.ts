import { systemEvent } from '$lib/protocol/events';
import type { ChatService } from '../chat/service';
import type { Logger } from '../logger';
import type { ModerationService } from '../moderation/service';
import type { ServerStats } from '../stats';
import type { Connection, Identity } from './connection';
import type { HistoryPages } from './history';
import type { Hub } from './hub';
import type { PresenceAnnouncer } from './presence';

/**
 * How long live events are held back after the connection sequence while the client may
 * still send `resume` (see Connection.hold): long enough for a reconnecting client's first
 * frame, short enough that a client that never resumes barely notices.
 */
const RESUME_WINDOW_MS = 150;

/** What the connection sequence reads and announces through. */
export interface ConnectionSequenceDeps {
	hub: Pick<Hub, 'attach' | 'subscribe' | 'usersOnline' | 'onlineUsers'>;
	chat: Pick<
		ChatService,
		| 'ensureDefaultMembership'
		| 'roomsOf'
		| 'lastCommittedId'
		| 'roomSummaries'
		| 'requireRoom'
		| 'latestPage'
		| 'announceNewcomer'
	>;
	history: Pick<HistoryPages, 'roomEvent'>;
	moderation: Pick<ModerationService, 'muteOf'>;
	presence: Pick<PresenceAnnouncer, 'cameOnline'>;
	stats: Pick<ServerStats, 'uptimeSeconds'>;
	log: Pick<Logger, 'debug'>;
}

/**
 * The connection sequence of PROTOCOL.md §4 for a connection that was just identified:
 * subscribe, `welcome`, `users`, `history` of general, a `muted` reminder, and `join` to
 * everyone else when this is the user's first connection.
 *
 * The storage reads are awaited; with SQLite they settle as microtasks, so no live event
 * reaches the connection before its `welcome` (see realtime/handlers/rooms.ts).
 */
export async function runConnectionSequence(
	deps: ConnectionSequenceDeps,
	conn: Connection,
	identity: Identity
): Promise<void> {
	const { hub, chat } = deps;
	conn.identity = identity;
	const first = hub.attach(conn);
	const newcomer = await chat.ensureDefaultMembership(identity);
	const rooms = await chat.roomsOf(identity);
	for (const room of rooms) hub.subscribe(conn, room.name);
	// Everything committed after this point reaches the connection live; `resume` covers the
	// rest. Read right after subscribing, from memory (no await between the two).
	conn.subscribedUpTo = chat.lastCommittedId;
	deps.log.debug({ conn: conn.id, user: identity.id }, 'connection admitted');

	const summaries = await chat.roomSummaries(identity);
	const general = chat.requireRoom(undefined);
	const history = await deps.history.roomEvent(
		identity.id,
		general.name,
		await chat.latestPage(general, 100)
	);
	conn.sendEvent(
		systemEvent('welcome', {
			user_id: identity.id,
			user_name: identity.name,
			username: identity.username,
			message: `Welcome, ${identity.name}!`,
			is_admin: identity.isAdmin,
			is_guest: identity.isGuest,
			server_stats: {
				users_online: hub.usersOnline,
				uptime_seconds: deps.stats.uptimeSeconds(),
				server_time: Math.floor(Date.now() / 1000)
			},
			rooms: summaries
		})
	);
	conn.sendEvent(systemEvent('users', hub.onlineUsers()));
	conn.sendEvent(history);
	// A muted user learns it on every connection, so a reloaded page shows the countdown.
	const mute = identity.isGuest ? undefined : deps.moderation.muteOf(identity.id);
	if (mute) conn.sendEvent(systemEvent('muted', { until: mute.until, reason: mute.reason }));
	if (first) deps.presence.cameOnline(identity);
	conn.hold(RESUME_WINDOW_MS);
	// A new account is a new member of general: counts everywhere follow (after the welcome).
	if (newcomer) await chat.announceNewcomer(identity);
}
