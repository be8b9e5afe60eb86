import { SvelteMap } from 'svelte/reactivity';
import type { NotifySetting, OnlineUser, ReceivedEvent, RoomSummary } from '$lib/protocol/events';
import {
	Conversation,
	dmKey,
	itemKey,
	roomKey,
	type ChatItem,
	type ConvKey
} from './conversation.svelte';
import { KnownPeople } from './chat/known-people';
import { OutboxQueue } from './chat/outbox-queue';
import { ReceiptRequests } from './chat/receipts';
import { profiles } from './profiles.svelte';
import { onRooms, reduce } from './chat/reducers';
import { mentionsOf } from './chat/reducers/rooms';
import { notifyOf, takePendingNotify } from './chat/notify';
import type { ChatState } from './chat/state';
import { RemoteTyping, TypingSender } from './chat/typing';
import { HISTORY_PAGE, type ChatStoreOptions, type Me, type Mute, type Timers } from './chat/types';
import { reactedBy } from './chat/message-changes';
import { backToLatest, loadNewer, openAt } from './chat/history-window';
import { ThreadView } from './thread.svelte';
import { PresenceRoster } from './chat/roster.svelte';
import type { UploadedFile } from './upload';

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
	/** The highest `seq` applied (messages and changes share one sequence): where `resume` continues. */
	cursor = 0;
	/** The thread open in the side panel. */
	thread = $state<ThreadView | null>(null);
	/** Names of everyone heard of (reaction tooltips, mention suggestions). */
	readonly known = new KnownPeople();
	readonly roster = new PresenceRoster();
	// Read once, when a conversation is created: nothing renders from it.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	readonly pendingNotify = new Map<ConvKey, NotifySetting>();
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
			conv.mentions = mentionsOf(d);
			conv.notify = notifyOf(d);
			this.cursor = Math.max(this.cursor, d.last_message_id);
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

	/** Unread messages outside muted conversations (the title's count, the menu's dot). */
	get totalUnread(): number {
		let n = 0;
		for (const c of this.conversations.values()) if (!c.muted) n += c.unread;
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
			takePendingNotify(this, conv);
			this.conversations.set(key, conv);
		}
		return conv;
	}

	direct(peerId: number, name?: string): Conversation {
		const key = dmKey(peerId);
		let conv = this.conversations.get(key);
		if (!conv) {
			conv = new Conversation(key, name ?? this.nameOf(peerId) ?? `#${peerId}`);
			takePendingNotify(this, conv);
			this.conversations.set(key, conv);
		} else if (name && conv.name !== name) conv.name = name;
		return conv;
	}

	drop(conv: Conversation): void {
		if (conv.name === 'general' && conv.kind === 'room') return;
		this.conversations.delete(conv.key);
		if (this.activeKey === conv.key) this.activeKey = roomKey('general');
	}

	// ── Connection ─────────────────────────────────────────────────────────────

	/** The socket (re)opened: continue where we left off, then send what waited in the outbox. */
	connected(reconnect: boolean): void {
		if (reconnect) this.send({ type: 'resume', after_id: this.cursor });
		// The open thread may have missed replies' changes older than the cursor's replay: ask again.
		if (reconnect && this.thread)
			this.send({ type: 'get_thread', message_id: this.thread.askedId });
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

	/** DM partners, newest first: the roster watches their presence in a large community. */
	partners(): number[] {
		return this.directs.map((c) => Number(c.target));
	}

	// ── Events ─────────────────────────────────────────────────────────────────

	handle(event: ReceivedEvent): void {
		// A new connection may have missed profile changes: what is shown is asked for again.
		if (event.type === 'welcome') profiles.refresh();
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

	/** Opens a conversation at a message (a search result), with history around it. */
	openAt(key: ConvKey, id: number, name?: string): void {
		openAt(this, key, id, name);
	}

	/** Asks for the page after the newest row held (a window opened at a message). */
	loadNewer(conv: Conversation): void {
		loadNewer(this, conv);
	}

	/** From a window opened at a message back to the newest page. */
	backToLatest(conv: Conversation): void {
		backToLatest(this, conv);
	}

	/** Sends (or queues, while offline) a text message to a conversation, maybe as a reply. */
	sendText(conv: Conversation, text: string, replyTo?: ChatItem): boolean {
		if (!text.trim()) return false;
		const to =
			conv.kind === 'room'
				? { type: 'message', room: conv.target }
				: { type: 'private_message', to_id: conv.target };
		return this.post(conv, { ...to, content: text }, text, replyTo);
	}

	/** Posts an upload (PROTOCOL.md §12) with an optional caption; the row shows its name until the echo. */
	sendFile(conv: Conversation, file: UploadedFile, caption: string, replyTo?: ChatItem): boolean {
		const to = conv.kind === 'room' ? { room: conv.target } : { to_id: conv.target };
		const payload = { type: 'file', upload_id: file.id, ...to, content: caption.trim() };
		return this.post(conv, payload, caption.trim() || file.name, replyTo);
	}

	/** Sends through the outbox (kept until acknowledged, resent after a reload), shown at once. */
	private post(
		conv: Conversation,
		fields: Record<string, unknown>,
		text: string,
		replyTo?: ChatItem
	): boolean {
		if (this.isMuted) return false;
		const clientId = this.opts.newClientId?.() ?? crypto.randomUUID();
		const payload: Record<string, unknown> = { ...fields, client_id: clientId };
		if (replyTo?.id) payload.reply_to = replyTo.id;
		const timestamp = Math.floor(this.now() / 1000);
		this.outbox.write({ clientId, convKey: conv.key, payload, text, timestamp }, (m) =>
			this.send(m)
		);
		if (replyTo?.id) showAsReply(conv, itemKey(this.me.id, 0, clientId), replyTo);
		this.stopTyping();
		this.composerError = null;
		conv.dividerBefore = 0;
		return true;
	}

	// ── Messages that change (PROTOCOL.md §10) ─────────────────────────────────

	/** Own text messages can be edited. */
	canEdit(item: ChatItem): boolean {
		return item.own && item.kind === 'text' && item.id !== null && !item.pending;
	}

	/** Own messages, or anyone's for an admin. */
	canDelete(item: ChatItem): boolean {
		return item.id !== null && !item.pending && (item.own || this.me.isAdmin);
	}

	/** The newest own message that can be edited (Up arrow in an empty composer). */
	lastEditable(conv: Conversation): ChatItem | undefined {
		return conv.items.findLast((x) => this.canEdit(x));
	}

	editMessage(id: number, content: string): boolean {
		if (!content.trim()) return false;
		return this.sendChange({ type: 'edit_message', message_id: id, content });
	}

	deleteMessage(id: number): boolean {
		return this.sendChange({ type: 'delete_message', message_id: id });
	}

	react(id: number, emoji: string, on = true): boolean {
		return this.sendChange({ type: 'react', message_id: id, emoji, on });
	}

	/**
	 * A change goes out with a `client_id` of its own: an error answering it names that id, so
	 * it is not taken for the refusal of a message still in the outbox (errors without one are
	 * matched to the oldest send in flight). The error shows beside the composer.
	 */
	private sendChange(frame: Record<string, unknown>): boolean {
		const clientId = this.opts.newClientId?.() ?? crypto.randomUUID();
		return this.send({ ...frame, client_id: clientId });
	}

	/** A reaction chip was clicked: take ours back if we hold it, else add it. */
	toggleReaction(item: ChatItem, emoji: string): void {
		if (item.id === null) return;
		const held = item.reactions?.find((r) => r.emoji === emoji);
		this.react(item.id, emoji, !(held && reactedBy(held, this.me.id)));
	}

	/** Opens the thread of a message (a root, or any reply; a row or an id) in the side panel. */
	openThread(conv: Conversation, message: ChatItem | number): void {
		const id = typeof message === 'number' ? message : message.id;
		if (id === null) return;
		this.thread = new ThreadView(conv.key, id, typeof message === 'number' ? undefined : message);
		this.send({ type: 'get_thread', message_id: id, limit: HISTORY_PAGE });
	}

	loadOlderReplies(): void {
		const thread = this.thread;
		const before = thread?.oldestId;
		if (!thread || before === null || before === undefined || !thread.hasMore) return;
		thread.loading = true;
		this.send({ type: 'get_thread', message_id: thread.askedId, before, limit: HISTORY_PAGE });
	}

	closeThread(): void {
		this.thread = null;
	}

	/** A person's name as far as this page knows it. */
	nameOf(userId: number): string | undefined {
		if (userId === this.me.id) return this.me.name;
		return this.known.get(userId)?.name ?? this.online.find((u) => u.id === userId)?.name;
	}

	/** Removes a message the server refused. */
	dismiss(conv: Conversation, item: ChatItem): void {
		conv.update(item.key, null);
	}

	/** The user read up to `id` in `conv` (it is on screen and the window has focus). */
	markRead(conv: Conversation, id: number): void {
		conv.unread = 0;
		conv.mentions = 0;
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

	createRoom(name: string, topic: string, isPrivate = false): void {
		this.send({
			type: 'create_room',
			name,
			...(topic ? { topic } : {}),
			...(isPrivate && { private: true })
		});
	}

	/** Adds an account to a room (issue 15); its members hear member_joined. */
	invite(room: string, userId: number): void {
		this.send({ type: 'invite', room, user_id: userId });
	}

	/** The room's creator or an admin changes its topic, visibility or archiving (issue 15). */
	updateRoom(
		room: string,
		changes: { topic?: string; private?: boolean; archived?: boolean }
	): void {
		this.send({ type: 'update_room', room, ...changes });
	}

	/** The room's creator or an admin removes a member (issue 15). */
	removeMember(room: string, userId: number): void {
		this.send({ type: 'remove_member', room, user_id: userId });
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

/** The pending row of a reply quotes its parent at once, like the server's echo will. */
function showAsReply(conv: Conversation, key: string, parent: ChatItem): void {
	const row = conv.items.find((x) => x.key === key);
	if (!row || parent.id === null) return;
	conv.update(key, {
		...row,
		replyTo: {
			id: parent.id,
			deleted: false,
			fromId: parent.fromId,
			fromName: parent.fromName,
			excerpt: [...parent.text].slice(0, 100).join('')
		},
		threadRoot: parent.threadRoot ?? parent.id
	});
}
