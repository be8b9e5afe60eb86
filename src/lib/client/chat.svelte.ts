import { SvelteMap } from 'svelte/reactivity';
import type {
	DirectSummary,
	OnlineUser,
	RoomSummary,
	ServerEvent,
	WireMessage
} from '$lib/protocol/events';
import {
	Conversation,
	dmKey,
	fromWire,
	itemKey,
	PENDING_BASE,
	roomKey,
	type ChatItem,
	type ConvKey
} from './conversation.svelte';
import { loginUrl } from './login-notice';
import type { OutboxRecord, OutboxStorage } from './outbox';

export const MAX_MESSAGE_LENGTH = 4000;
/** Typing is sent at most this often while the user keeps typing… */
export const TYPING_INTERVAL_MS = 3000;
/** …and stops this long after the last keystroke. */
export const TYPING_IDLE_MS = 5000;
/** A remote "is typing" that is not refreshed disappears after this long. */
export const TYPING_EXPIRE_MS = 7000;
export const HISTORY_PAGE = 50;

/** What the store needs from the connection. */
export interface Transport {
	send(message: object): boolean;
}

export interface Me {
	id: number;
	name: string;
	isAdmin: boolean;
}

export interface Mute {
	until: number;
	reason: string;
}

/** Texts the store produces itself (system notices, moderation); the page supplies them translated. */
export interface StoreTexts {
	memberJoined(name: string): string;
	memberLeft(name: string): string;
	moderation(content: Record<string, unknown>): string;
	/** An `error` event's content, worded from its code and parameters (else its message). */
	error?(content: Record<string, unknown>): string;
}

export interface ChatStoreOptions {
	me: Me;
	transport: Transport;
	directs?: DirectSummary[];
	/** Room summaries from the page load, so the sidebar and a `/r/<room>` address work before the socket. */
	rooms?: (RoomSummary & { joined?: boolean })[];
	mute?: Mute | null;
	texts: StoreTexts;
	/** Leaves the app (kicked, banned, logged out). */
	navigate: (url: string) => void;
	/** A message from someone else arrived (for browser notifications). */
	onIncoming?: (conv: Conversation, item: ChatItem) => void;
	/** Is the user looking at this conversation right now (visible, focused, at the bottom)? */
	isWatching?: (conv: Conversation) => boolean;
	newClientId?: () => string;
	/** Where unsent messages survive a reload (per account); none: memory only. */
	outboxStorage?: OutboxStorage;
	now?: () => number;
	setTimer?: (fn: () => void, ms: number) => unknown;
	clearTimer?: (id: unknown) => void;
}

interface OutboxEntry {
	clientId: string;
	convKey: ConvKey;
	payload: Record<string, unknown>;
	/** Sent on the current connection and not yet echoed; errors are matched to these. */
	inFlight: boolean;
}

type Content = Record<string, unknown>;

/**
 * Everything the chat page shows, built from server events: conversations, people online,
 * typing, receipts, unread counts, the outbox of messages not yet acknowledged, and the
 * mute state. The socket feeds `handle()`; the page calls the actions.
 */
export class ChatStore {
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

	/** Reactive: the sidebar shows how many messages wait to go out. */
	private readonly outbox = new SvelteMap<string, OutboxEntry>();
	// Bookkeeping nothing renders: plain collections on purpose.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private readonly typingTimers = new Map<string, unknown>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private readonly receiptRequests = new Map<number, ConvKey>();
	private welcomed = false;
	private pendingSeq = 0;
	private typingSentAt = 0;
	private typingTarget: ConvKey | null = null;
	private typingStopTimer: unknown = null;
	private readonly opts: ChatStoreOptions;
	private readonly now: () => number;
	private readonly setTimer: (fn: () => void, ms: number) => unknown;
	private readonly clearTimer: (id: unknown) => void;

	constructor(opts: ChatStoreOptions) {
		this.opts = opts;
		this.me = opts.me;
		this.mute = opts.mute ?? null;
		this.now = opts.now ?? Date.now;
		this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
		this.clearTimer = opts.clearTimer ?? ((id) => clearTimeout(id as number));
		this.room('general');
		if (opts.rooms?.length) this.onRooms(opts.rooms);
		for (const d of opts.directs ?? []) {
			const conv = this.direct(d.peer_id, d.peer_name);
			conv.unread = d.unread;
			conv.lastMessageId = d.last_message_id;
			conv.peerReadId = d.peer_read_id;
			this.lastSeenId = Math.max(this.lastSeenId, d.last_message_id);
		}
		// What an earlier page of this account left unsent goes out again on connect.
		for (const record of opts.outboxStorage?.load() ?? []) this.queue(record);
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

	// ── Connection ─────────────────────────────────────────────────────────────

	/** The socket (re)opened: continue where we left off, then send what waited in the outbox. */
	connected(reconnect: boolean): void {
		if (reconnect) this.send({ type: 'resume', after_id: this.lastSeenId });
		for (const entry of this.outbox.values()) {
			entry.inFlight = this.send(entry.payload);
		}
		// Conversations opened before the socket was up (a reload of /r/<room> or /dm/<name>)
		// still need their newest page; general's comes with the welcome.
		const active = this.active;
		if (!active.loaded && active.key !== roomKey('general')) this.requestLatest(active);
	}

	disconnected(): void {
		for (const entry of this.outbox.values()) entry.inFlight = false;
		for (const conv of this.conversations.values()) conv.typing = [];
	}

	private send(message: object): boolean {
		return this.opts.transport.send(message);
	}

	// ── Events ─────────────────────────────────────────────────────────────────

	handle(event: ServerEvent): void {
		const content = (event.content ?? {}) as Content;
		switch (event.type) {
			case 'welcome':
				return this.onWelcome(content);
			case 'users':
				this.online = Array.isArray(event.content) ? (event.content as OnlineUser[]) : [];
				return;
			case 'join':
				return this.onPresence(content, true);
			case 'leave':
				return this.onPresence(content, false);
			case 'history':
				return this.onHistory(content);
			case 'message':
			case 'image':
			case 'private_message':
			case 'private_message_sent':
				return this.onMessage(event as unknown as WireMessage);
			case 'rooms':
				return this.onRooms(Array.isArray(event.content) ? (event.content as RoomSummary[]) : []);
			case 'room_created':
				return this.onRoomCreated(content, event.from_id);
			case 'room_joined':
				return this.onRoomJoined(content);
			case 'room_left':
				return this.onLeft(String(content.room));
			case 'member_joined':
			case 'member_left':
				return this.onMember(content, event.type === 'member_joined', event.timestamp);
			case 'name_changed':
				this.me = { ...this.me, name: String(content.new_name) };
				return;
			case 'user_renamed':
				return this.onRenamed(Number(content.user_id), String(content.new_name));
			case 'typing':
				return this.onTyping(content);
			case 'message_read':
				return this.onRead(content);
			case 'receipts':
				return this.onReceipts(content);
			case 'resumed':
				if (content.truncated) this.onTruncated();
				return;
			case 'kicked':
				return this.opts.navigate(loginUrl('kicked', reasonOf(content)));
			case 'banned':
				return this.opts.navigate(loginUrl('banned', reasonOf(content)));
			case 'muted':
				this.mute = { until: Number(content.until), reason: reasonOf(content) };
				return;
			case 'unmuted':
				this.mute = null;
				return;
			case 'moderation':
				return this.onModeration(content, event.timestamp);
			case 'error':
				return this.onError(content);
		}
	}

	private onWelcome(c: Content): void {
		this.me = {
			id: Number(c.user_id),
			name: String(c.user_name),
			isAdmin: Boolean(c.is_admin)
		};
		if (c.muted && typeof c.muted === 'object') {
			const m = c.muted as Content;
			this.mute = { until: Number(m.until), reason: reasonOf(m) };
		}
		const summaries = Array.isArray(c.rooms)
			? (c.rooms as (RoomSummary & { joined?: boolean })[])
			: [];
		this.onRooms(summaries);
		if (!this.welcomed) {
			// Everything committed after the welcome reaches us live; older messages come from history.
			for (const s of summaries)
				this.lastSeenId = Math.max(this.lastSeenId, s.last_message_id ?? 0);
		}
		this.welcomed = true;
	}

	private onRooms(summaries: (RoomSummary & { joined?: boolean })[]): void {
		const others: RoomSummary[] = [];
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, not state
		const joined = new Set<string>();
		for (const s of summaries) {
			if (s.joined === false) {
				others.push(s);
				continue;
			}
			joined.add(s.name);
			const conv = this.room(s.name);
			conv.topic = s.topic ?? '';
			conv.members = s.members;
			// The server's count is authoritative, except for the room being read right now.
			conv.unread = this.watching(conv) ? 0 : s.unread;
			if (conv.unread && !conv.dividerBefore && conv.loaded) this.placeDivider(conv);
		}
		for (const conv of this.rooms) if (!joined.has(conv.name) && summaries.length) this.drop(conv);
		this.otherRooms = others;
	}

	private onPresence(c: Content, online: boolean): void {
		const id = Number(c.user_id);
		const rest = this.online.filter((u) => u.id !== id);
		this.online = online
			? [...rest, { id, name: String(c.user_name), connected_at: 0, is_admin: c.is_admin === true }]
			: rest;
		if (!online)
			for (const conv of this.conversations.values()) conv.setTyping({ id, name: '' }, false);
	}

	private onHistory(c: Content): void {
		const conv =
			c.with !== undefined ? this.direct(Number(c.with)) : this.room(String(c.room ?? 'general'));
		const messages = Array.isArray(c.messages) ? (c.messages as WireMessage[]) : [];
		const oldestBefore = conv.oldestId;
		const wasLoaded = conv.loaded;
		const added = conv.merge(messages.map((m) => fromWire(m, this.me.id)));
		this.seen(messages);
		const pageOldest = messages.length ? messages[0].id : null;
		// has_more speaks about what lies before this page: it matters when the page is the oldest we hold.
		if (oldestBefore === null || pageOldest === null || pageOldest <= oldestBefore)
			conv.hasMore = Boolean(c.has_more);
		conv.loadingOlder = false;
		conv.loaded = true;
		if (!wasLoaded && conv.unread && !conv.dividerBefore) this.placeDivider(conv);
		// #general's pages bring the moderation notices that fall among their messages.
		if (Array.isArray(c.notices))
			for (const n of c.notices as Content[]) this.addModeration(conv, n);
		if (conv.kind === 'dm' && !wasLoaded) {
			// A DM peer's name is in the messages even when the peer is offline.
			const theirs = added.find((m) => !m.own);
			if (theirs) conv.name = theirs.fromName;
		}
	}

	private onMessage(m: WireMessage): void {
		if (typeof m.id !== 'number') return;
		let conv: Conversation;
		if (m.type === 'private_message') conv = this.direct(m.from_id, m.from_name);
		else if (m.type === 'private_message_sent')
			conv = this.direct(m.to_id ?? 0, m.to_name || undefined);
		else conv = this.room(m.room ?? 'general');
		const item = fromWire(m, this.me.id);
		if (m.client_id && item.own) this.acknowledge(m.client_id);
		const added = conv.merge([item]);
		this.seen([m]);
		if (!added.length || item.own) return;
		conv.setTyping({ id: m.from_id, name: m.from_name }, false);
		if (!this.watching(conv)) {
			if (!conv.unread && !conv.dividerBefore) conv.dividerBefore = item.id!;
			conv.unread++;
		}
		this.opts.onIncoming?.(conv, item);
	}

	private seen(messages: WireMessage[]): void {
		for (const m of messages) if (m.id > this.lastSeenId) this.lastSeenId = m.id;
	}

	private onRoomCreated(c: Content, fromId?: number): void {
		const name = String(c.name);
		if (fromId === this.me.id || this.conversations.has(roomKey(name))) return;
		if (this.otherRooms.some((r) => r.name === name)) return;
		this.otherRooms = [
			...this.otherRooms,
			{ name, topic: String(c.topic ?? ''), members: 0, unread: 0, last_message_id: null }
		];
	}

	private onRoomJoined(c: Content): void {
		const name = String(c.room);
		const conv = this.room(name);
		if (typeof c.topic === 'string') conv.topic = c.topic;
		this.otherRooms = this.otherRooms.filter((r) => r.name !== name);
		const history = (c.history ?? {}) as Content;
		this.onHistory({ room: name, messages: history.messages, has_more: history.has_more });
		if (!conv.members) conv.members = 1;
		this.open(conv.key);
	}

	private onLeft(name: string): void {
		const conv = this.conversations.get(roomKey(name));
		if (conv) this.drop(conv);
		this.send({ type: 'get_rooms' });
	}

	private drop(conv: Conversation): void {
		if (conv.name === 'general' && conv.kind === 'room') return;
		this.conversations.delete(conv.key);
		if (this.activeKey === conv.key) this.activeKey = roomKey('general');
	}

	private onMember(c: Content, joined: boolean, timestamp: number): void {
		const name = String(c.room);
		const userId = Number(c.user_id);
		// The server says how many members the room has now; older servers only that one came or went.
		const count = (conv: Conversation) =>
			typeof c.members === 'number' ? c.members : Math.max(0, conv.members + (joined ? 1 : -1));
		if (userId === this.me.id) {
			// This tab or another of ours joined or left: follow it.
			if (joined) {
				const conv = this.room(name);
				conv.members = typeof c.members === 'number' ? c.members : conv.members;
				this.otherRooms = this.otherRooms.filter((r) => r.name !== name);
				if (!conv.loaded) this.requestLatest(conv);
			} else this.onLeft(name);
			return;
		}
		const conv = this.conversations.get(roomKey(name));
		if (!conv) return;
		conv.members = count(conv);
		const who = String(c.user_name);
		conv.notice(
			joined ? this.opts.texts.memberJoined(who) : this.opts.texts.memberLeft(who),
			timestamp
		);
	}

	private onRenamed(userId: number, name: string): void {
		this.online = this.online.map((u) => (u.id === userId ? { ...u, name } : u));
		const dm = this.conversations.get(dmKey(userId));
		if (dm) dm.name = name;
	}

	private onTyping(c: Content): void {
		const userId = Number(c.user_id);
		if (userId === this.me.id) return;
		const conv =
			c.with !== undefined
				? this.conversations.get(dmKey(Number(c.with)))
				: this.conversations.get(roomKey(String(c.room)));
		if (!conv) return;
		const on = Boolean(c.is_typing);
		conv.setTyping({ id: userId, name: String(c.user_name) }, on);
		const timerKey = `${conv.key}|${userId}`;
		const old = this.typingTimers.get(timerKey);
		if (old !== undefined) this.clearTimer(old);
		this.typingTimers.delete(timerKey);
		if (on) {
			this.typingTimers.set(
				timerKey,
				this.setTimer(() => {
					this.typingTimers.delete(timerKey);
					conv.setTyping({ id: userId, name: '' }, false);
				}, TYPING_EXPIRE_MS)
			);
		}
	}

	private onRead(c: Content): void {
		const id = Number(c.message_id);
		if (c.with !== undefined && c.with !== null) {
			const conv = this.conversations.get(dmKey(Number(c.with)));
			if (conv && id > conv.peerReadId) conv.peerReadId = id;
			return;
		}
		const conv = this.conversations.get(roomKey(String(c.room)));
		if (!conv) return;
		const readerId = Number(c.read_by);
		const prev = conv.readers.get(readerId);
		if (!prev || prev.readId < id)
			conv.readers.set(readerId, { name: String(c.read_by_name), readId: id });
	}

	private onReceipts(c: Content): void {
		const id = Number(c.message_id);
		const key = this.receiptRequests.get(id);
		this.receiptRequests.delete(id);
		const conv = key && this.conversations.get(key);
		if (!conv) return;
		const readBy = Array.isArray(c.read_by) ? (c.read_by as Content[]) : [];
		for (const r of readBy) {
			const userId = Number(r.user_id);
			if (conv.kind === 'dm') {
				if (id > conv.peerReadId) conv.peerReadId = id;
				continue;
			}
			const prev = conv.readers.get(userId);
			if (!prev || prev.readId < id) conv.readers.set(userId, { name: String(r.name), readId: id });
		}
	}

	/** More than the server resends were missed: start every conversation again from its newest page. */
	private onTruncated(): void {
		for (const conv of this.conversations.values()) conv.reset();
		this.requestLatest(this.active);
	}

	private onModeration(c: Content, timestamp: number): void {
		const conv =
			typeof c.room === 'string' ? this.conversations.get(roomKey(c.room)) : this.room('general');
		if (conv) this.addModeration(conv, { timestamp, ...c });
	}

	/** One notice per audit entry, whether it came live, with history, or both. */
	private addModeration(conv: Conversation, c: Content): void {
		const timestamp = Number(c.timestamp) || Math.floor(this.now() / 1000);
		conv.notice(this.opts.texts.moderation(c), timestamp, {
			key: typeof c.id === 'number' ? `mod:${c.id}` : undefined,
			afterId: typeof c.after_id === 'number' ? c.after_id : undefined
		});
	}

	private onError(c: Content): void {
		const code = String(c.code ?? '');
		const message = this.opts.texts.error?.(c) ?? String(c.message ?? '');
		if (code === 'muted') {
			// `until` is a parameter of the error; servers before it only said it in words.
			const text = String(c.message ?? '');
			this.mute = {
				until: typeof c.until === 'number' ? c.until : (parseUntil(text) ?? this.now() / 1000 + 60),
				reason: this.mute?.reason || parseReason(text)
			};
		}
		const sendErrors = [
			'muted',
			'too_large',
			'empty',
			'rate_limited',
			'forbidden',
			'not_found',
			'invalid_message'
		];
		if (!sendErrors.includes(code)) return;
		// Errors carry no client_id; the server answers in order, so the oldest in-flight send failed.
		const entry = [...this.outbox.values()].find((e) => e.inFlight);
		if (entry && code !== 'rate_limited') {
			this.acknowledge(entry.clientId);
			const conv = this.conversations.get(entry.convKey);
			const key = itemKey(this.me.id, 0, entry.clientId);
			const item = conv?.items.find((x) => x.key === key);
			if (conv && item) conv.update(key, { ...item, pending: false, failed: message });
		}
		if (code !== 'muted') this.composerError = message;
	}

	/** The server stored (or refused) it: nothing to send again, here or after a reload. */
	private acknowledge(clientId: string): void {
		this.outbox.delete(clientId);
		this.opts.outboxStorage?.remove(clientId);
	}

	// ── Actions ────────────────────────────────────────────────────────────────

	/** Is the user reading this conversation (asked of the page, which knows focus and scroll)? */
	private watching(conv: Conversation): boolean {
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

	private placeDivider(conv: Conversation): void {
		const theirs = conv.items.filter((x) => x.id !== null && !x.own && x.kind !== 'notice');
		const first = theirs[Math.max(0, theirs.length - conv.unread)];
		conv.dividerBefore = first?.id ?? 0;
	}

	private requestLatest(conv: Conversation): void {
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
		const record = {
			clientId,
			convKey: conv.key,
			payload,
			text,
			timestamp: Math.floor(this.now() / 1000)
		};
		// On disk before the first attempt: if the page dies now, the next one sends it.
		this.opts.outboxStorage?.add(record);
		this.queue(record).inFlight = this.send(payload);
		this.stopTyping();
		this.composerError = null;
		conv.dividerBefore = 0;
		return true;
	}

	/** Shows a message as pending in its conversation and keeps it until the server confirms it. */
	private queue(r: OutboxRecord): OutboxEntry {
		const conv = r.convKey.startsWith('r:')
			? this.room(r.convKey.slice(2))
			: this.direct(Number(r.convKey.slice(2)));
		conv.merge([
			{
				key: itemKey(this.me.id, 0, r.clientId),
				order: PENDING_BASE + ++this.pendingSeq,
				id: null,
				clientId: r.clientId,
				kind: 'text',
				fromId: this.me.id,
				fromName: this.me.name,
				text: r.text,
				timestamp: r.timestamp,
				own: true,
				pending: true
			}
		]);
		const entry: OutboxEntry = {
			clientId: r.clientId,
			convKey: conv.key,
			payload: r.payload,
			inFlight: false
		};
		this.outbox.set(r.clientId, entry);
		return entry;
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
		this.receiptRequests.set(id, conv.key);
		this.send({ type: 'get_receipts', message_id: id });
	}

	/** Called on every keystroke in the composer; sends `typing` at most every few seconds. */
	typed(conv: Conversation): void {
		if (this.isMuted) return;
		const now = this.now();
		if (this.typingTarget !== conv.key || now - this.typingSentAt >= TYPING_INTERVAL_MS) {
			if (this.typingTarget && this.typingTarget !== conv.key) this.stopTyping();
			if (this.send({ type: 'typing', is_typing: true, ...this.typingAddress(conv) })) {
				this.typingSentAt = now;
				this.typingTarget = conv.key;
			}
		}
		if (this.typingStopTimer !== null) this.clearTimer(this.typingStopTimer);
		this.typingStopTimer = this.setTimer(() => this.stopTyping(), TYPING_IDLE_MS);
	}

	/** Sent on send, blur, switching conversations and after a pause in typing. */
	stopTyping(): void {
		if (this.typingStopTimer !== null) this.clearTimer(this.typingStopTimer);
		this.typingStopTimer = null;
		const key = this.typingTarget;
		if (!key) return;
		this.typingTarget = null;
		this.typingSentAt = 0;
		const conv = this.conversations.get(key);
		if (conv) this.send({ type: 'typing', is_typing: false, ...this.typingAddress(conv) });
	}

	private typingAddress(conv: Conversation) {
		return conv.kind === 'room' ? { room: conv.target } : { to_id: conv.target };
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

function reasonOf(c: Content): string {
	return typeof c.reason === 'string' ? c.reason : '';
}

/** "You are muted until 2026-11-25T22:00:00.000Z (spam)" → the end, in unix seconds. */
export function parseUntil(message: string): number | null {
	const iso = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/.exec(message);
	if (!iso) return null;
	const ms = Date.parse(iso[0]);
	return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function parseReason(message: string): string {
	const m = /\(([^)]*)\)\s*$/.exec(message);
	return m ? m[1] : '';
}
