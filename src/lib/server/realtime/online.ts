import type { OnlineUser } from '$lib/protocol/events';
import type { Connection } from './connection';
import type { Hub } from './hub';

/** A value now (this process's memory) or later (Redis); see `settle`. */
export type Maybe<T> = T | Promise<T>;

/** Runs `then` at once on a plain value, after resolution on a promise. */
export function settle<T, R>(value: Maybe<T>, then: (v: T) => R): Maybe<R> {
	return value instanceof Promise ? (value.then(then) as Promise<R>) : then(value);
}

/**
 * A connection's arrival in the shared presence: whether it is its user's first connection
 * anywhere, and the counts right after it (the welcome's and the room list's: read with the
 * arrival, they cost no command of their own and include the arriving user).
 */
export interface Arrival {
	first: boolean;
	usersOnline: number;
	guestsOnline: number;
}

/** Someone who went offline without their process saying so (it died): `leave` is due. */
export type Departure = Pick<OnlineUser, 'id' | 'name'>;

/**
 * Who is online across every process serving the community (PROTOCOL.md §14): the `users`
 * list, the online count, and whether a connection is its user's first or last anywhere.
 * The hub (hub.ts) stays this process's registry of sockets for the fan-out; this is the
 * community's. With one process it *is* the hub (LocalOnline, answers synchronously); with
 * REDIS_URL it is shared/redis-presence.ts.
 *
 * The gateway calls `arrived` / `departed` in the same turn as it changes the hub, so the
 * order of a process's changes is the order they reach the shared store.
 */
export interface OnlineDirectory {
	/** An identified connection was attached to the hub (`first`: its user's first anywhere). */
	arrived(conn: Connection, firstHere: boolean): Maybe<Arrival>;
	/** It left the hub (closed, or a guest became an account); true when its user's last anywhere. */
	departed(conn: Connection, lastHere: boolean): Maybe<boolean>;
	usersOnline(): Maybe<number>;
	onlineUsers(): Maybe<OnlineUser[]>;
	/** At most `limit` online users, any of them (the capped `users` of a large community). */
	someUsers(limit: number): Maybe<OnlineUser[]>;
	/** Online users with ids above `afterId`, ascending, at most `limit` (`get_users` pages). */
	usersPage(afterId: number, limit: number): Maybe<OnlineUser[]>;
	/** Those of `ids` online now (coalesced presence reports the state at sending time). */
	usersByIds(ids: readonly number[]): Maybe<OnlineUser[]>;
	/** An online user, wherever connected (guests exist only here). */
	user(id: number): Maybe<OnlineUser | undefined>;
	guestsOnline(): Maybe<number>;
	/** Open connections per online user, every process counted (the admin panel). */
	connectionCounts(): Maybe<Map<number, number>>;
}

/** One process: the hub knows everyone. */
export class LocalOnline implements OnlineDirectory {
	constructor(private readonly hub: Hub) {}

	arrived(_conn: Connection, firstHere: boolean): Arrival {
		return {
			first: firstHere,
			usersOnline: this.hub.usersOnline,
			guestsOnline: this.hub.guestsOnline()
		};
	}

	departed(_conn: Connection, lastHere: boolean): boolean {
		return lastHere;
	}

	usersOnline(): number {
		return this.hub.usersOnline;
	}

	onlineUsers(): OnlineUser[] {
		return this.hub.onlineUsers();
	}

	someUsers(limit: number): OnlineUser[] {
		return this.hub.onlineUsers(limit);
	}

	usersPage(afterId: number, limit: number): OnlineUser[] {
		return pageOf(this.hub.onlineIds(), afterId, limit).map((id) => this.hub.onlineUser(id)!);
	}

	usersByIds(ids: readonly number[]): OnlineUser[] {
		const found: OnlineUser[] = [];
		for (const id of ids) {
			const user = this.hub.onlineUser(id);
			if (user) found.push(user);
		}
		return found;
	}

	user(id: number): OnlineUser | undefined {
		return this.hub.onlineUser(id);
	}

	guestsOnline(): number {
		return this.hub.guestsOnline();
	}

	connectionCounts(): Map<number, number> {
		const counts = new Map<number, number>();
		for (const conn of this.hub.identifiedConnections()) {
			const id = conn.identity!.id;
			counts.set(id, (counts.get(id) ?? 0) + 1);
		}
		return counts;
	}
}

/** The state now of `ids`: the users online among them, and the ids of the others. */
export async function stateOf(
	directory: Pick<OnlineDirectory, 'usersByIds'>,
	ids: readonly number[]
): Promise<{ online: OnlineUser[]; offline: number[] }> {
	const online = await directory.usersByIds(ids);
	const here = new Set(online.map((u) => u.id));
	return { online, offline: [...new Set(ids)].filter((id) => !here.has(id)) };
}

/** The ids above `afterId`, ascending, at most `limit` (a page of the online list). */
export function pageOf(ids: Iterable<number>, afterId: number, limit: number): number[] {
	const above: number[] = [];
	for (const id of ids) if (id > afterId) above.push(id);
	return above.sort((a, b) => a - b).slice(0, limit);
}
