import type { Config } from '../config';
import type { Logger } from '../logger';
import type { SharedRedis } from '../shared/redis-client';
import { RedisPresence } from '../shared/redis-presence';
import type { Bus } from './bus';
import type { Hub } from './hub';
import { LocalOnline, type OnlineDirectory } from './online';
import { PresenceAnnouncer } from './presence';

export interface PresenceWiring {
	/** `join` / `leave`, or coalesced presence above PRESENCE_BROADCAST_MAX. */
	presence: PresenceAnnouncer;
	/** Who is online in the whole community: the hub, or Redis shared by every process. */
	online: OnlineDirectory;
	/** The Redis-shared directory when there is Redis (the app starts and stops it). */
	shared: RedisPresence | null;
}

/**
 * Presence for one process: the announcer reads the community's online count when announcing,
 * from this process's hub or, with several processes, from the directory in Redis, which also
 * announces what no connection of ours saw (a dead process's users, a resync's).
 */
export function wirePresence(deps: {
	bus: Bus;
	hub: Hub;
	config: Config;
	redis: SharedRedis | null;
	log: Logger;
}): PresenceWiring {
	const { bus, hub, config, redis, log } = deps;
	const failed = (err: unknown) => log.warn({ err: String(err) }, 'presence change not announced');
	const announced = (done: Promise<void> | void) => done?.catch(failed);
	// Set below; the announcer asks it only once presence changes start.
	const read: { online?: OnlineDirectory } = {};
	const presence = new PresenceAnnouncer(
		bus,
		{
			usersOnline: () => read.online!.usersOnline(),
			onlineUsers: () => read.online!.onlineUsers(),
			usersByIds: (ids) => read.online!.usersByIds(ids)
		},
		config.presence,
		failed
	);
	let shared: RedisPresence | null = null;
	if (redis) {
		const directory = new RedisPresence({
			redis,
			processId: config.processId,
			connections: () => hub.identifiedConnections(),
			news: {
				wentOffline: (users) => users.forEach((u) => announced(presence.wentOffline(u))),
				cameOnline: (users) => users.forEach((u) => announced(presence.cameOnline(u)))
			},
			log
		});
		// Renames and role changes show in the shared `users` list.
		bus.subscribe((e) => {
			if (e.kind === 'identity')
				directory
					.changed(e.userId, e)
					.catch((err) => log.warn({ err: String(err) }, 'shared presence not updated'));
		});
		shared = directory;
	}
	const online = shared ?? new LocalOnline(hub);
	read.online = online;
	return { presence, online, shared };
}
