import type { OnlineUser } from '$lib/protocol/events';

/** What the roster reads and changes in the store (kept narrow: no import of the store). */
export interface RosterHost {
	online: OnlineUser[];
	readonly me: { id: number };
	send(message: object): boolean;
	/** Ids of the DM partners the sidebar shows, newest conversation first. */
	partners(): number[];
}

/** `get_users` page size and the most ids one `watch_presence` may carry (docs/protocol.md). */
export const USERS_PAGE = 1000;
export const WATCH_MAX = 1000;

/**
 * Who is online in a large community (docs/protocol.md, "Large communities (§13)"). Up to
 * `presence_broadcast_max` users online the server sends `join`/`leave` and the complete
 * `users` list: nothing here changes anything. Above it the server only tells a connection
 * about the users it watches, so this decides what to watch — the DM partners (their dots in
 * the sidebar) always, everyone while the people list is open — and pages the full list in
 * when the list opens. The server forgets a watch with its socket: every welcome re-sends it.
 */
export class PresenceRoster {
	/** `presence_broadcast_max` from the welcome (a server without it never goes large). */
	max = $state(Number.POSITIVE_INFINITY);
	/** The exact count: welcome, join/leave, presence and users_page all carry it. */
	usersOnline = $state(0);
	/** More online than the server broadcasts to: the list is partial unless the list is open. */
	large = $state(false);
	/** The people list is open (it wants everyone). */
	listOpen = $state(false);
	/** Paging the list in: users loaded so far, null when not paging. */
	loaded = $state<number | null>(null);
	/** The `after_id` of the page asked for and not answered yet. */
	pageFrom: number | null = null;
	/** The next `users` is the connection sequence's (capped when large), not a complete list. */
	awaitingUsers = false;
	/** The watch last sent on this socket ("" = none). */
	private sent = '';

	/** The online count to show: exact in a large community, the list's length otherwise. */
	count(host: RosterHost): number {
		return this.large ? this.usersOnline : host.online.length;
	}

	/** Is this user's presence followed live (else the list may not say whether they are online)? */
	tracks(host: RosterHost, id: number): boolean {
		return !this.large || this.listOpen || id === host.me.id || host.partners().includes(id);
	}

	/** A welcome (first or after a reconnect): the server knows no watch on this socket. */
	welcomed(host: RosterHost, max: unknown, usersOnline: unknown): void {
		this.max = typeof max === 'number' && max >= 0 ? max : Number.POSITIVE_INFINITY;
		if (typeof usersOnline === 'number') this.usersOnline = usersOnline;
		this.large = this.usersOnline > this.max;
		this.awaitingUsers = true;
		this.sent = '';
		this.pageFrom = null;
		this.loaded = null;
		this.sync(host);
	}

	/** `users`: the list is replaced; only the connection sequence's may be capped. */
	users(host: RosterHost, list: OnlineUser[]): void {
		if (this.awaitingUsers) {
			this.awaitingUsers = false;
			host.online = this.large && !this.listOpen ? this.trimmed(list, host) : list;
			return;
		}
		// Any later `users` is the complete list again: the community is back under the threshold.
		host.online = list;
		this.usersOnline = list.length;
		this.large = false;
		this.pageFrom = null;
		this.loaded = null;
		this.sent = '';
	}

	/** `join`/`leave` (version 1 presence) carry the count too. */
	counted(n: unknown): void {
		if (typeof n === 'number') this.usersOnline = n;
	}

	/** A `presence` event: the community is large; its count is exact. */
	presence(host: RosterHost, n: unknown): void {
		this.counted(n);
		if (!this.large) {
			this.large = true;
			if (!this.listOpen) host.online = this.trimmed(host.online, host);
			this.sync(host);
		}
	}

	/** The people list opened: watch everyone first, then page the list in. */
	open(host: RosterHost): void {
		this.listOpen = true;
		this.sync(host);
	}

	/** The people list closed: back to the DM partners, and the big list is dropped. */
	close(host: RosterHost): void {
		this.listOpen = false;
		this.pageFrom = null;
		this.loaded = null;
		if (!this.large) return;
		host.online = this.trimmed(host.online, host);
		this.sync(host);
	}

	/**
	 * Sends the watch this page needs, if it differs from the last one sent (the DM list
	 * changed, the list opened or closed, a new socket), and starts paging when the list is
	 * open and the watch on everyone was just sent. Nothing below the threshold.
	 */
	sync(host: RosterHost): void {
		if (!this.large) return;
		// Sorted: a DM moving up the sidebar is not a change of what is watched.
		const ids = host
			.partners()
			.slice(0, WATCH_MAX)
			.sort((a, b) => a - b);
		const watch = this.listOpen ? { all: true, user_ids: ids } : { user_ids: ids };
		const key = JSON.stringify(watch);
		if (key === this.sent) return;
		if (!host.send({ type: 'watch_presence', ...watch })) return;
		this.sent = key;
		if (this.listOpen && this.pageFrom === null && this.loaded === null) this.page(host, 0);
	}

	/** Asks for the page after `from`; answers come back as `users_page`. */
	page(host: RosterHost, from: number): void {
		if (!host.send({ type: 'get_users', after_id: from, limit: USERS_PAGE })) return;
		this.pageFrom = from;
		if (from === 0) this.loaded = 0;
	}

	/** A page arrived: the next one is asked for until `next_after_id` is null. */
	paged(host: RosterHost, pageSize: number, next: number | null): void {
		this.pageFrom = null;
		if (!this.listOpen) return;
		this.loaded = next === null ? null : (this.loaded ?? 0) + pageSize;
		if (next !== null) this.page(host, next);
	}

	/** The DM partners and ourselves: all a closed list keeps (their presence is watched). */
	private trimmed(list: OnlineUser[], host: RosterHost): OnlineUser[] {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup local to this call
		const keep = new Set([...host.partners().slice(0, WATCH_MAX), host.me.id]);
		return list.filter((u) => keep.has(u.id));
	}
}
