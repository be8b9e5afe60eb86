import type { OnlineUser } from '$lib/protocol/events';
import type { Connection, Identity } from './connection';

interface Presence {
	connections: Set<Connection>;
	connectedAt: number;
}

/**
 * Who is connected and what they listen to: rooms → connections, users → connections.
 * Fan-out sends one pre-serialized string to every recipient.
 */
export class Hub {
	readonly connections = new Set<Connection>();
	private readonly users = new Map<number, Presence>();
	private readonly rooms = new Map<string, Set<Connection>>();

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
		return true;
	}

	/** Removes a socket everywhere; true when it was its user's last (they went offline). */
	remove(conn: Connection): boolean {
		this.connections.delete(conn);
		return this.detach(conn);
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
		return true;
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
		let n = 0;
		for (const presence of this.users.values()) {
			if (presence.connections.values().next().value?.identity?.isGuest) n++;
		}
		return n;
	}

	isOnline(userId: number): boolean {
		return this.users.has(userId);
	}

	/** The identity of an online user (from any of its connections). */
	identityOf(userId: number) {
		const first = this.users.get(userId)?.connections.values().next().value;
		return first?.identity ?? undefined;
	}

	roomConnections(room: string): Iterable<Connection> {
		return this.rooms.get(room) ?? [];
	}

	toRoom(room: string, data: string | Buffer, exceptUserId?: number): void {
		const set = this.rooms.get(room);
		if (!set) return;
		data = encodeOnce(data);
		for (const conn of set) {
			if (conn.identity?.id !== exceptUserId) conn.send(data);
		}
	}

	toUser(userId: number, data: string | Buffer): void {
		const presence = this.users.get(userId);
		if (!presence) return;
		for (const conn of presence.connections) conn.send(data);
	}

	/** To every identified connection, optionally skipping one user's. */
	toAll(data: string | Buffer, exceptUserId?: number): void {
		data = encodeOnce(data);
		for (const [id, presence] of this.users) {
			if (id === exceptUserId) continue;
			for (const conn of presence.connections) conn.send(data);
		}
	}

	/** One identity per online user. */
	*onlineIdentities(): Iterable<Identity> {
		for (const presence of this.users.values()) {
			const identity = presence.connections.values().next().value?.identity;
			if (identity) yield identity;
		}
	}

	onlineUsers(): OnlineUser[] {
		const list: OnlineUser[] = [];
		for (const [id, presence] of this.users) {
			const identity = presence.connections.values().next().value!.identity!;
			list.push({
				id,
				name: identity.name,
				username: identity.username,
				connected_at: presence.connectedAt,
				is_admin: identity.isAdmin,
				is_guest: identity.isGuest
			});
		}
		return list;
	}
}

/**
 * A broadcast's JSON as bytes, made once: `ws` would otherwise encode the same string
 * again for every recipient (join/leave go to every online user).
 */
function encodeOnce(data: string | Buffer): Buffer {
	return typeof data === 'string' ? Buffer.from(data) : data;
}
