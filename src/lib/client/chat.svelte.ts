import { SvelteMap } from 'svelte/reactivity';
import type { OnlineUser, ReceivedEvent, RoomSummary } from '$lib/protocol/events';
import { Conversation, dmKey, roomKey, type ChatItem, type ConvKey } from './conversation.svelte';
import { OutboxQueue } from './chat/outbox-queue';
import { ReceiptRequests } from './chat/receipts';
import { onRooms, reduce } from './chat/reducers';
import type { ChatState } from './chat/state';
import { RemoteTyping, TypingSender } from './chat/typing';
import { HISTORY_PAGE, type ChatStoreOptions, type Me, type Mute, type Timers } from './chat/types';

export { parseUntil } from './chat/reducers/moderation';
export { TYPING_EXPIRE_MS, TYPING_IDLE_MS, TYPING_INTERVAL_MS } from './chat/typing';
export {
	HISTORY_PAGE,
	MAX_MESSAGE_LENGTH,
	type ChatStoreOptions,
	type Me,
	type Mute,
	type StoreTexts,
	type Transport
} from './chat/types';

/**
 * Everything the chat page shows, built from server events: conversations, people online,
 * typing, receipts, unread counts, the outbox of messages not yet acknowledged, and the
 * mute state. The socket feeds `handle()`; the page calls the actions.
 *
 * The store only wires: what each event does is in ./chat/reducers (one module per family of
 * events), the outbox, typing and receipts bookkeeping in ./chat. Members the reducers need
 * (`ChatState`) are public for them; components use the getters and actions.
 */
export class ChatStore implements ChatState {
	me = $state<Me>({ id: 0, name: '', isAdmin: false });
	conversations = new SvelteMap<ConvKey, Conversation>();
	/** Rooms this user has not joined, to offer in "Browse rooms". */
	otherRooms = $state.raw<RoomSummary[]>([]);
	online = $state.raw<OnlineUser[]>([]);
	activeKey = $state<ConvKey>(roomKey('general'));
	mute = $state<Mute | null>(null);
	/** The last error the server answered a send with, shown next to the composer. */
	composerError = $state<string | null>(null);
	/** Newest message id seen on any conversation: where `resume` continues from. */
	lastSeenId = 0;
	welcomed = false;

	readonly opts: ChatStoreOptions;
	readonly now: () => number;
	readonly outbox: OutboxQueue;
	readonly remoteTyping: RemoteTyping;
	readonly receipts = new ReceiptRequests();
	private readonly typing: TypingSender;

	constructor(opts: ChatStoreOptions) {
		this.opts = opts;
		this.me = opts.me;
		this.mute = opts.mute ?? null;
		this.now = opts.now ?? Date.now;
		const timers: Timers = {
			set: opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms)),
			clear: opts.clearTimer ?? ((id) => clearTimeout(id as number))
		};
		this.outbox = new OutboxQueue({
			storage: opts.outboxStorage,
			conversation: (key) =>
				key.startsWith('r:') ? this.room(key.slice(2)) : this.direct(Number(key.slice(2))),
			me: () => this.me
		});
		this.remoteTyping = new RemoteTyping(timers);
		this.typing = new TypingSender({
			send: (m) => this.send(m),
			now: this.now,
			timers,
			conversation: (key) => this.conversations.get(key)
		});
		this.room('general');
		if (opts.rooms?.length) onRooms(this, opts.rooms);
		for (const d of opts.directs ?? []) {
			const conv = this.direct(d.peer_id, d.peer_name);
			conv.unread = d.unread;
			conv.lastMessageId = d.last_message_id;
			conv.peerReadId = d.peer_read_id;
			this.lastSeenId = Math.max(this.lastSeenId, d.last_message_id);
		}
		// What an earlier page of this account left unsent goes out again on connect.
		for (const record of opts.outboxStorage?.load() ?? []) this.outbox.queue(record);
	}

	get active(): Conversation {
		return this.conversations.get(this.activeKey) ?? this.room('general');
	}

	get rooms(): Conversation[] {
		return [...this.conversations.values()]
			.filter((c) => c.kind === 'room')
			.sort((a, b) =>
				a.name === 'general' ? -1 : b.name === 'general' ? 1 : a.name.localeCompare(b.name)
			);
	}

	get directs(): Conversation[] {
		return [...this.conversations.values()]
			.filter((c) => c.kind === 'dm')
			.sort((a, b) => b.lastMessageId - a.lastMessageId || a.name.localeCompare(b.name));
	}

	get totalUnread(): number {
		let n = 0;
		for (const c of this.conversations.values()) n += c.unread;
		return n;
	}

	get isMuted(): boolean {
		return this.mute !== null && this.mute.until * 1000 > this.now();
	}

	/** Messages written but not yet acknowledged by the server. */
	get outboxSize(): number {
		return this.outbox.size;
	}

	room(name: string): Conversation {
		const key = roomKey(name);
		let conv = this.conversations.get(key);
		if (!conv) {
			conv = new Conversation(key, name);
			this.conversations.set(key, conv);
		}
		return conv;
	}

	direct(peerId: number, name?: string): Conversation {
		const key = dmKey(peerId);
		let conv = this.conversations.get(key);
		if (!conv) {
			conv = new Conversation(key, name ?? this.nameOf(peerId) ?? `#${peerId}`);
			this.conversations.set(key, conv);
		} else if (name && conv.name !== name) conv.name = name;
		return conv;
	}

	private nameOf(userId: number): string | undefined {
		return this.online.find((u) => u.id === userId)?.name;
	}

	drop(conv: Conversation): void {
		if (conv.name === 'general' && conv.kind === 'room') return;
		this.conversations.delete(conv.key);
		if (this.activeKey === conv.key) this.activeKey = roomKey('general');
	}

	// ── Connection ─────────────────────────────────────────────────────────────

	/** The socket (re)opened: continue where we left off, then send what waited in the outbox. */
	connected(reconnect: boolean): void {
		if (reconnect) this.send({ type: 'resume', after_id: this.lastSeenId });
		this.outbox.resend((m) => this.send(m));
		// Conversations opened before the socket was up (a reload of /r/<room> or /dm/<name>)
		// still need their newest page; general's comes with the welcome.
		const active = this.active;
		if (!active.loaded && active.key !== roomKey('general')) this.requestLatest(active);
	}

	disconnected(): void {
		this.outbox.disconnected();
		for (const conv of this.conversations.values()) conv.typing = [];
	}

	send(message: object): boolean {
		return this.opts.transport.send(message);
	}

	// ── Events ─────────────────────────────────────────────────────────────────

	handle(event: ReceivedEvent): void {
		reduce(this, event);
	}

	// ── Actions ────────────────────────────────────────────────────────────────

	/** Is the user reading this conversation (asked of the page, which knows focus and scroll)? */
	watching(conv: Conversation): boolean {
		return conv.key === this.activeKey && (this.opts.isWatching?.(conv) ?? false);
	}

	open(key: ConvKey): void {
		if (this.activeKey !== key) {
			const prev = this.conversations.get(this.activeKey);
			if (prev) prev.dividerBefore = 0;
			this.stopTyping();
		}
		this.activeKey = key;
		const conv = this.active;
		if (!conv.loaded) this.requestLatest(conv);
		else if (conv.unread && !conv.dividerBefore) this.placeDivider(conv);
		this.composerError = null;
	}

	openDirect(peerId: number, name?: string): void {
		if (peerId === this.me.id) return;
		this.open(this.direct(peerId, name).key);
	}

	placeDivider(conv: Conversation): void {
		const theirs = conv.items.filter((x) => x.id !== null && !x.own && x.kind !== 'notice');
		const first = theirs[Math.max(0, theirs.length - conv.unread)];
		conv.dividerBefore = first?.id ?? 0;
	}

	requestLatest(conv: Conversation): void {
		const target = conv.kind === 'room' ? { room: conv.target } : { with: conv.target as number };
		this.send({ type: 'get_history', ...target, limit: HISTORY_PAGE });
	}

	/** Asks for the page before the oldest row held. */
	loadOlder(conv: Conversation): void {
		if (conv.loadingOlder || !conv.hasMore) return;
		const before = conv.oldestId;
		if (before === null) {
			if (!conv.loaded) this.requestLatest(conv);
			return;
		}
		const target = conv.kind === 'room' ? { room: conv.target } : { with: conv.target as number };
		if (this.send({ type: 'get_history', ...target, before, limit: HISTORY_PAGE }))
			conv.loadingOlder = true;
	}

	/** Sends (or queues, while offline) a text message to a conversation. */
	sendText(conv: Conversation, text: string): boolean {
		if (!text.trim() || this.isMuted) return false;
		const clientId = this.opts.newClientId?.() ?? crypto.randomUUID();
		const payload: Record<string, unknown> =
			conv.kind === 'room'
				? { type: 'message', room: conv.target, content: text, client_id: clientId }
				: { type: 'private_message', to_id: conv.target, content: text, client_id: clientId };
		const timestamp = Math.floor(this.now() / 1000);
		this.outbox.write({ clientId, convKey: conv.key, payload, text, timestamp }, (m) =>
			this.send(m)
		);
		this.stopTyping();
		this.composerError = null;
		conv.dividerBefore = 0;
		return true;
	}

	/** Removes a message the server refused. */
	dismiss(conv: Conversation, item: ChatItem): void {
		conv.update(item.key, null);
	}

	/** The user read up to `id` in `conv` (it is on screen and the window has focus). */
	markRead(conv: Conversation, id: number): void {
		conv.unread = 0;
		if (id <= conv.sentReadId) return;
		if (this.send({ type: 'read', message_id: id })) conv.sentReadId = id;
	}

	requestReceipts(conv: Conversation, id: number): void {
		this.receipts.ask(conv, id);
		this.send({ type: 'get_receipts', message_id: id });
	}

	/** Called on every keystroke in the composer; sends `typing` at most every few seconds. */
	typed(conv: Conversation): void {
		if (this.isMuted) return;
		this.typing.typed(conv);
	}

	/** Sent on send, blur, switching conversations and after a pause in typing. */
	stopTyping(): void {
		this.typing.stop();
	}

	createRoom(name: string, topic: string): void {
		this.send({ type: 'create_room', name, ...(topic ? { topic } : {}) });
	}

	joinRoom(name: string): void {
		const conv = this.conversations.get(roomKey(name));
		if (conv) return this.open(conv.key);
		this.send({ type: 'join_room', room: name });
	}

	leaveRoom(name: string): void {
		this.send({ type: 'leave_room', room: name });
	}

	setName(name: string): void {
		this.send({ type: 'set_name', name });
	}

	/** Unread counts may have fallen in another tab: ask for fresh summaries. */
	refreshRooms(): void {
		this.send({ type: 'get_rooms' });
	}

	clearMuteIfOver(): void {
		if (this.mute && this.mute.until * 1000 <= this.now()) this.mute = null;
	}
}
