import { events, nowSeconds } from '$lib/protocol/events';
import type { ChatService } from '../chat/service';
import type { NotificationSettings } from '../chat/notifications';
import type { Logger } from '../logger';
import type { ModerationService } from '../moderation/service';
import type { ServerStats } from '../stats';
import type { Connection, Identity } from './connection';
import type { HistoryPages } from './history';
import type { Hub } from './hub';
import type { OnlineDirectory } from './online';
import type { PresenceAnnouncer } from './presence';
import type { SharedReads } from './shared-reads';

/**
 * How long live events are held back after the connection sequence while the client may
 * still send `resume` (see Connection.hold): long enough for a reconnecting client's first
 * frame, short enough that a client that never resumes barely notices.
 */
const RESUME_WINDOW_MS = 150;

/** Messages of #general in the welcome's `history` (PROTOCOL.md §4). */
const WELCOME_PAGE = 100;

/**
 * How many users the connection sequence lists in a large community: a sample for clients that
 * show `users` as it comes; the web app pages the whole list when its people list opens. Small,
 * because a restart storm sends it 10,000 times (at 200 entries it was ~25 KB per connection,
 * most of what a connecting client received).
 */
export const USERS_ON_CONNECT_WHEN_LARGE = 20;

/** What the connection sequence reads and announces through. */
export interface ConnectionSequenceDeps {
	hub: Pick<Hub, 'attach' | 'subscribe'>;
	/** Who is online in the whole community (every process when presence is shared). */
	online: Pick<OnlineDirectory, 'arrived' | 'someUsers'>;
	chat: Pick<
		ChatService,
		| 'roomsOnArrival'
		| 'lastCommittedId'
		| 'roomSummaries'
		| 'requireRoom'
		| 'latestPage'
		| 'announceNewcomer'
	>;
	history: Pick<HistoryPages, 'noticesOf' | 'event'>;
	/** #general's newest page, a large community's users sample and a guest's room list, read once for many (shared-reads.ts). */
	sharedReads: Pick<SharedReads, 'read'>;
	/** Adds the user's notification settings to the welcome's rooms. */
	notifications: Pick<NotificationSettings, 'decorateRooms'>;
	moderation: Pick<ModerationService, 'muteOf'>;
	presence: Pick<PresenceAnnouncer, 'cameOnline'>;
	/** PRESENCE_BROADCAST_MAX: `users` holds at most this many (a large community's is capped). */
	presenceBroadcastMax: number;
	stats: Pick<ServerStats, 'uptimeSeconds'>;
	log: Pick<Logger, 'debug'>;
}

/**
 * The connection sequence of PROTOCOL.md §4 for a connection that was just identified:
 * subscribe, `welcome`, `users`, `history` of general, a `muted` reminder, and `join` to
 * everyone else when this is the user's first connection.
 *
 * Live events are held from the subscription on and the sequence's own events go out
 * ahead of them, so no live event reaches the connection before its `welcome`, however long
 * the storage reads take (PostgreSQL answers in later turns; SQLite in microtasks).
 */
export async function runConnectionSequence(
	deps: ConnectionSequenceDeps,
	conn: Connection,
	identity: Identity
): Promise<void> {
	const { hub, chat } = deps;
	conn.identity = identity;
	const { rooms, newcomer } = await chat.roomsOnArrival(identity);
	// The reads above may take turns of the event loop (a networked store): a socket closed
	// meanwhile must not be attached after its close removed it.
	if (!conn.isOpen) return;
	// Attach (events to the user), subscribe (to its rooms) and the seq read below happen in
	// one turn, so no event falls between them. Live events wait until the sequence's own
	// events are out (and then for `resume`).
	conn.hold();
	// Registered with the shared presence in the same turn, so this process's changes reach
	// it in the order they happen here.
	const arrival = deps.online.arrived(conn, hub.attach(conn));
	for (const room of rooms) hub.subscribe(conn, room.name);
	// Everything committed after this point reaches the connection live; `resume` covers the
	// rest. Read right after subscribing, from memory (no await between the two).
	conn.subscribedUpTo = chat.lastCommittedId;
	deps.log.debug({ conn: conn.id, user: identity.id }, 'connection admitted');

	// The counts as they stand right after this connection's arrival (with Redis, read in the
	// same command as the arrival itself).
	const { first, usersOnline, guestsOnline } = await arrival;
	const summaries = await deps.notifications.decorateRooms(
		identity,
		await chat.roomSummaries(identity, { known: rooms, guestsOnline, shared: deps.sharedReads })
	);
	const general = chat.requireRoom(undefined);
	const newest = await deps.sharedReads.read(`newest:${general.id}`, async () => {
		const page = await chat.latestPage(general, WELCOME_PAGE);
		return { page, notices: await deps.history.noticesOf(general.name, page) };
	});
	const history = deps.history.event(identity.id, general.name, newest.page, newest.notices);
	conn.sendEventAhead(
		events.welcome({
			user_id: identity.id,
			user_name: identity.name,
			username: identity.username,
			message: `Welcome, ${identity.name}!`,
			is_admin: identity.isAdmin,
			is_guest: identity.isGuest,
			server_stats: {
				users_online: usersOnline,
				uptime_seconds: deps.stats.uptimeSeconds(),
				server_time: nowSeconds()
			},
			rooms: summaries,
			presence_broadcast_max: deps.presenceBroadcastMax
		})
	);
	conn.sendEventAhead(events.users(await usersOnConnect(deps, usersOnline)));
	conn.sendEventAhead(history);
	// A muted user learns it on every connection, so a reloaded page shows the countdown.
	const mute = identity.isGuest ? undefined : deps.moderation.muteOf(identity.id);
	if (mute) conn.sendEventAhead(events.muted({ until: mute.until, reason: mute.reason }));
	if (first) await deps.presence.cameOnline(identity, usersOnline);
	conn.hold(RESUME_WINDOW_MS);
	// A new account is a new member of general: counts everywhere follow (after the welcome).
	if (newcomer) await chat.announceNewcomer(identity);
}

/**
 * `users` of the connection sequence: everyone while the community is small; above
 * PRESENCE_BROADCAST_MAX a sample (docs/protocol.md, "Large communities (§13)"): 10,000
 * connects each sent the whole list would be N² entries.
 */
async function usersOnConnect(deps: ConnectionSequenceDeps, usersOnline: number) {
	const max = deps.presenceBroadcastMax;
	// Asked for only as many as will be sent (with Redis every entry is a JSON to parse), and
	// shared like the history: a sample of anyone online is as good a second later, and a
	// storm's sequences would otherwise each read and parse their own.
	if (usersOnline > max)
		return deps.sharedReads.read(`users-sample`, async () =>
			deps.online.someUsers(Math.min(max, USERS_ON_CONNECT_WHEN_LARGE))
		);
	const sample = await deps.online.someUsers(max + 1);
	return sample.length > max ? sample.slice(0, Math.min(max, USERS_ON_CONNECT_WHEN_LARGE)) : sample;
}
