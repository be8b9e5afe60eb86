import type { OnlineUser } from '$lib/protocol/events';
import type { Connection, Identity } from './connection';

/** The connections of a room nobody listens to. */
const NO_CONNECTIONS: ReadonlySet<Connection> = new Set();

interface Presence {
	connections: Set<Connection>;
	connectedAt: number;
}

/**
 * Who is connected to this process and what they listen to: rooms → connections, users →
 * connections. A registry only: fan-out (fanout.ts) is what writes to the sockets it lists.
 */
export class Hub {
	readonly connections = new Set<Connection>();
	private readonly users = new Map<number, Presence>();
	private readonly rooms = new Map<string, Set<Connection>>();
	/** Presence watches (`watch_presence`): every change, or the listed users' (user → sockets). */
	private readonly watchingAll = new Set<Connection>();
	private readonly watchers = new Map<number, Set<Connection>>();
	/** Online guests, counted as they come and go (asked for on every connect: no scan). */
	private guests = 0;

	get connectionCount(): number {
		return this.connections.size;
	}

	get usersOnline(): number {
		return this.users.size;
	}

	/** Adds a socket (authenticated or not). */
	add(conn: Connection): void {
		this.connections.add(conn);
	}

	/** Registers an identified connection; true when it is the user's first (they came online). */
	attach(conn: Connection): boolean {
		const id = conn.identity!.id;
		const presence = this.users.get(id);
		if (presence) {
			presence.connections.add(conn);
			return false;
		}
		this.users.set(id, { connections: new Set([conn]), connectedAt: conn.connectedAt });
		if (conn.identity!.isGuest) this.guests++;
		return true;
	}

	/** Removes a socket everywhere; true when it was its user's last (they went offline). */
	remove(conn: Connection): boolean {
		this.connections.delete(conn);
		if (conn.watchedUsers.length > 0 || this.watchingAll.has(conn)) this.watch(conn, false, []);
		return this.detach(conn);
	}

	/** Replaces what a connection watches of presence (`watch_presence`). */
	watch(conn: Connection, all: boolean, userIds: readonly number[]): void {
		for (const id of conn.watchedUsers) {
			const set = this.watchers.get(id);
			set?.delete(conn);
			if (set?.size === 0) this.watchers.delete(id);
		}
		conn.watchedUsers = [...new Set(userIds)];
		for (const id of conn.watchedUsers) {
			let set = this.watchers.get(id);
			if (!set) this.watchers.set(id, (set = new Set()));
			set.add(conn);
		}
		if (all) this.watchingAll.add(conn);
		else this.watchingAll.delete(conn);
	}

	watchesAll(conn: Connection): boolean {
		return this.watchingAll.has(conn);
	}

	/** The connections watching one user (not counting those that watch everyone). */
	watchersOf(userId: number): Iterable<Connection> {
		return this.watchers.get(userId) ?? [];
	}

	/**
	 * Unsubscribes a socket and takes it out of its user's presence but keeps it open (a guest
	 * that logs in with `auth` becomes someone else); true when it was its user's last.
	 */
	detach(conn: Connection): boolean {
		for (const room of conn.rooms) this.rooms.get(room)?.delete(conn);
		conn.rooms.clear();
		if (!conn.identity) return false;
		const presence = this.users.get(conn.identity.id);
		if (!presence || !presence.connections.delete(conn)) return false;
		if (presence.connections.size > 0) return false;
		this.users.delete(conn.identity.id);
		if (conn.identity.isGuest) this.guests--;
		return true;
	}

	/** True while a connection is registered as its identity's (attach → detach/remove). */
	isAttached(conn: Connection): boolean {
		return !!conn.identity && !!this.users.get(conn.identity.id)?.connections.has(conn);
	}

	subscribe(conn: Connection, room: string): void {
		conn.rooms.add(room);
		let set = this.rooms.get(room);
		if (!set) this.rooms.set(room, (set = new Set()));
		set.add(conn);
	}

	unsubscribe(conn: Connection, room: string): void {
		conn.rooms.delete(room);
		this.rooms.get(room)?.delete(conn);
	}

	/** Every connection of a user. */
	connectionsOf(userId: number): Iterable<Connection> {
		return this.users.get(userId)?.connections ?? [];
	}

	/** How many of the online users are guests. */
	guestsOnline(): number {
		return this.guests;
	}

	isOnline(userId: number): boolean {
		return this.users.has(userId);
	}

	/** The identity of an online user (from any of its connections). */
	identityOf(userId: number) {
		const first = this.users.get(userId)?.connections.values().next().value;
		return first?.identity ?? undefined;
	}

	roomConnections(room: string): ReadonlySet<Connection> {
		return this.rooms.get(room) ?? NO_CONNECTIONS;
	}

	/** Every identified connection (each online user's, guests included). */
	*identifiedConnections(): Iterable<Connection> {
		for (const presence of this.users.values()) yield* presence.connections;
	}

	/** One identity per online user. */
	*onlineIdentities(): Iterable<Identity> {
		for (const presence of this.users.values()) {
			const identity = presence.connections.values().next().value?.identity;
			if (identity) yield identity;
		}
	}

	/** The online users, or the first `limit` of them. */
	onlineUsers(limit = Infinity): OnlineUser[] {
		const list: OnlineUser[] = [];
		for (const [id, presence] of this.users) {
			if (list.length >= limit) break;
			list.push(asOnlineUser(id, presence));
		}
		return list;
	}

	onlineIds(): Iterable<number> {
		return this.users.keys();
	}

	/** One online user as the `users` list shows it. */
	onlineUser(id: number): OnlineUser | undefined {
		const presence = this.users.get(id);
		return presence && asOnlineUser(id, presence);
	}
}

function asOnlineUser(id: number, presence: Presence): OnlineUser {
	const identity = presence.connections.values().next().value!.identity!;
	return {
		id,
		name: identity.name,
		username: identity.username,
		connected_at: presence.connectedAt,
		is_admin: identity.isAdmin,
		is_guest: identity.isGuest
	};
}
