import { SvelteMap } from 'svelte/reactivity';
import type { ChatStore } from './chat.svelte';
import { dmKey, roomKey, type Conversation, type ConvKey } from './conversation.svelte';
import { dmPath, HOME_ROOM, LastConversation, parseAddress, roomPath } from './routes';

/** Why an address could not be opened (shown above the conversation it fell back to). */
export interface RouteNotice {
	kind: 'unknown-room' | 'not-member' | 'unknown-user';
	name: string;
}

export interface Account {
	id: number;
	username: string;
	name: string;
}

export interface RouterOptions {
	store: ChatStore;
	/** SvelteKit's goto: a real navigation, so Back and Forward walk the conversations. */
	navigate: (path: string, replace: boolean) => void;
	/** Asks the server for an account (`GET /api/users/lookup`); null when there is none. */
	lookup: (query: { username: string } | { id: number }) => Promise<Account | null>;
	last: LastConversation;
	/** Accounts whose usernames the page already knows (DM peers from the page load). */
	known?: { id: number; username: string }[];
}

/**
 * Keeps the URL and the open conversation in step, both ways, with one store and one socket
 * for the whole app:
 *
 * - URL → store: `follow(pathname)` on every navigation (links, Back/Forward, reload) opens
 *   the conversation the address names, or falls back to general with a notice saying why.
 * - store → URL: `sync()` (run in an effect) notices when the store opened a conversation by
 *   itself (a room just joined or created, a DM started from the people list, a left room)
 *   and navigates there, so that too gets an address and a history entry.
 */
export class ConversationRouter {
	notice = $state<RouteNotice | null>(null);
	/** The conversation the current URL stands for; null while a `/dm/<username>` is looked up. */
	private urlKey = $state<ConvKey | null>(null);
	/** Peer id → username, for `/dm/<username>`; reactive so a late lookup updates the URL. */
	private readonly usernames = new SvelteMap<number, string>();
	/** Lookups by id in flight (so one conversation is looked up once). */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping nothing renders
	private readonly asking = new Set<number>();
	private noticePath: string | null = null;
	private seq = 0;

	constructor(private readonly opts: RouterOptions) {
		for (const a of opts.known ?? []) this.usernames.set(a.id, a.username);
	}

	/** The address of a conversation; null for a DM whose peer's username is not known yet. */
	pathOf(conv: Conversation): string | null {
		if (conv.kind === 'room') return roomPath(conv.name);
		const username = this.usernames.get(Number(conv.target));
		return username ? dmPath(username) : null;
	}

	/**
	 * Opens what `pathname` names. `initial` is the synchronous first pass while the page is
	 * being rendered: it selects what it can without navigating (the server has no history
	 * to rewrite, and the client router is not up yet).
	 */
	async follow(pathname: string, initial = false): Promise<void> {
		const seq = ++this.seq;
		const { store } = this.opts;
		const address = parseAddress(pathname);
		if (address.kind === 'other') return;
		if (address.kind === 'home') {
			if (!initial) this.opts.navigate(this.opts.last.get() ?? roomPath(HOME_ROOM), true);
			return;
		}
		if (address.kind === 'room') {
			const conv = store.conversations.get(roomKey(address.name));
			if (conv) return this.show(conv.key, pathname);
			if (initial) return;
			const exists = store.otherRooms.some((r) => r.name === address.name);
			return this.fallback(exists ? 'not-member' : 'unknown-room', address.name);
		}
		const wanted = address.username.toLowerCase();
		let id: number | undefined;
		for (const [peer, username] of this.usernames) if (username.toLowerCase() === wanted) id = peer;
		if (id === undefined) {
			if (initial) return;
			this.urlKey = null;
			const account = await this.opts.lookup({ username: address.username });
			if (seq !== this.seq) return; // another navigation came first
			if (account) {
				this.usernames.set(account.id, account.username);
				id = account.id;
				store.direct(account.id, account.name);
			}
		}
		if (id === undefined || id === store.me.id) {
			if (!initial) this.fallback('unknown-user', address.username);
			return;
		}
		this.show(dmKey(id), pathname);
	}

	/** The store opened a conversation by itself: give it its address (a new history entry). */
	sync(): void {
		const { store } = this.opts;
		const key = store.activeKey;
		if (this.urlKey === null || key === this.urlKey) return;
		const path = this.pathOf(store.active);
		if (path) {
			this.urlKey = key;
			this.opts.navigate(path, false);
			return;
		}
		// A DM opened by peer id: its address needs the username first.
		const id = Number(store.active.target);
		if (this.asking.has(id)) return;
		this.asking.add(id);
		this.opts.lookup({ id }).then(
			(account) => {
				this.asking.delete(id);
				if (account) this.usernames.set(account.id, account.username);
			},
			() => this.asking.delete(id)
		);
	}

	/** The user acted on the notice (or closed it). */
	dismiss(): void {
		this.notice = null;
		this.noticePath = null;
	}

	private show(key: ConvKey, pathname: string): void {
		this.urlKey = key;
		this.opts.store.open(key);
		this.opts.last.set(pathname);
		if (this.noticePath !== pathname) this.dismiss();
	}

	/** Stay where we were (general on a first load), say why, and replace the bad address. */
	private fallback(kind: RouteNotice['kind'], name: string): void {
		const { store } = this.opts;
		const current = this.urlKey && store.conversations.get(this.urlKey);
		const path = (current && this.pathOf(current)) || roomPath(HOME_ROOM);
		this.notice = { kind, name };
		this.noticePath = path;
		this.opts.navigate(path, true);
	}
}
