import { SvelteMap } from 'svelte/reactivity';
import type {
	FileContent,
	NotifyLevel,
	NotifySetting,
	WireMessage,
	WireReplyQuote
} from '$lib/protocol/events';

/** `r:<room>` for a room, `u:<peer id>` for a direct conversation. */
export type ConvKey = `r:${string}` | `u:${number}`;

export const roomKey = (room: string): ConvKey => `r:${room}`;
export const dmKey = (peerId: number): ConvKey => `u:${peerId}`;

/** One row of a conversation: a stored message, a pending one from the outbox, or a notice. */
export interface ChatItem {
	/** Stable across pending → echoed, so the row is not re-created when the server confirms it. */
	key: string;
	/** Sort position: the message id; pending rows sort after every stored one. */
	order: number;
	id: number | null;
	clientId?: string;
	kind: 'text' | 'image' | 'file' | 'notice';
	fromId: number;
	fromName: string;
	/** The text, the image URL, a file's caption, or the notice. */
	text: string;
	/** A file message's file (PROTOCOL.md §12). */
	file?: FileContent;
	timestamp: number;
	own: boolean;
	pending?: boolean;
	/** Why the server refused a pending message. */
	failed?: string;
	/** The sender's @username, when the server names it (mentions, suggestions). */
	fromUsername?: string;
	/** Unix seconds of the last edit (messages that change, PROTOCOL.md §10). */
	editedAt?: number | null;
	reactions?: Reaction[];
	/** Account ids this message mentions. */
	mentions?: number[];
	/** The message this one replies to. */
	replyTo?: ReplyQuote;
	/** The root of the thread this reply belongs to. */
	threadRoot?: number;
	/** Thread roots: how many replies, and when the newest came. */
	replyCount?: number;
	lastReplyAt?: number;
}

export interface Reaction {
	emoji: string;
	count: number;
	/** Who reacted (at most the first 50 from a message object; events add and remove). */
	userIds: number[];
}

export type ReplyQuote =
	| { id: number; deleted: false; fromId: number; fromName: string; excerpt: string }
	| { id: number; deleted: true };

/** Pending rows sort after every stored message, in the order they were written. */
export const PENDING_BASE = 2 ** 52;

export function itemKey(fromId: number, id: number, clientId?: string): string {
	return clientId ? `c:${fromId}:${clientId}` : `m:${id}`;
}

export function fromWire(m: WireMessage, meId: number): ChatItem {
	const file =
		m.type === 'file' && typeof m.content === 'object' ? (m.content as FileContent) : null;
	const image = !file && typeof m.content === 'object' && m.content !== null;
	return {
		...changingFields(m),
		key: itemKey(m.from_id, m.id, m.client_id),
		order: m.id,
		id: m.id,
		clientId: m.client_id,
		kind: file ? 'file' : image ? 'image' : 'text',
		...(file && { file }),
		fromId: m.from_id,
		fromName: m.from_name,
		text: file
			? (file.caption ?? '')
			: image
				? (m.content as { url: string }).url
				: String(m.content),
		timestamp: m.timestamp,
		own: m.from_id === meId
	};
}

/** The §10 fields of a message object (absent on older servers' messages). */
function changingFields(m: WireMessage): Partial<ChatItem> {
	const fields: Partial<ChatItem> = {};
	if (m.from_username) fields.fromUsername = m.from_username;
	if (m.edited_at) fields.editedAt = m.edited_at;
	if (Array.isArray(m.reactions) && m.reactions.length)
		fields.reactions = m.reactions.map((r) => ({
			emoji: r.emoji,
			count: r.count,
			userIds: [...(r.user_ids ?? [])]
		}));
	if (Array.isArray(m.mentions) && m.mentions.length) fields.mentions = m.mentions;
	if (m.reply_to) fields.replyTo = quoteOf(m.reply_to);
	if (m.thread) fields.threadRoot = m.thread.root_id;
	if (m.reply_count) fields.replyCount = m.reply_count;
	if (m.last_reply_at) fields.lastReplyAt = m.last_reply_at;
	return fields;
}

export function quoteOf(r: WireReplyQuote): ReplyQuote {
	return 'deleted' in r
		? { id: r.id, deleted: true }
		: {
				id: r.id,
				deleted: false,
				fromId: r.from_id,
				fromName: r.from_name,
				excerpt: r.excerpt
			};
}

export interface Typist {
	id: number;
	name: string;
}

/**
 * A room or a direct conversation: its rows (each message once, by id), paging state,
 * unread count, who is typing and how far others have read.
 */
export class Conversation {
	name = $state('');
	topic = $state('');
	members = $state(0);
	/** A private room (issue 15): only members see it; members invite others in. */
	isPrivate = $state(false);
	/** Who created the room (may remove members); null when unknown or seeded. */
	createdBy = $state<number | null>(null);
	/** An archived room (issue 15): read-only, listed apart under "Archived rooms". */
	archived = $state(false);
	unread = $state(0);
	/** Unread messages that mention the user (the server's summary, then live). */
	mentions = $state(0);
	/** The user's notification setting here; null: the defaults (docs/protocol.md). */
	notify = $state<NotifySetting | null>(null);
	/** Rows oldest first. Replaced, never mutated, so big rooms are not deeply proxied. */
	items = $state.raw<ChatItem[]>([]);
	/** The newest page has arrived (a conversation opened for the first time has not). */
	loaded = $state(false);
	hasMore = $state(true);
	loadingOlder = $state(false);
	/**
	 * The rows are a window opened around a message (a search result): newer messages exist
	 * past the newest row and load as the user scrolls down (`get_history {after}`).
	 */
	hasNewer = $state(false);
	loadingNewer = $state(false);
	/** A message to bring into view and highlight once its row is held (0: none). */
	focusId = $state(0);
	typing = $state.raw<Typist[]>([]);
	lastMessageId = $state(0);
	/** The "new messages" divider goes before this id (0: no divider). */
	dividerBefore = $state(0);
	/** Direct conversations: the peer has read up to this id. */
	peerReadId = $state(0);
	/** Rooms: how far each reader has read, from receipts and message_read. */
	readers = new SvelteMap<number, { name: string; readId: number }>();
	/** The newest id this client already reported as read. */
	sentReadId = 0;

	/** Ids present in `items`, for dedupe; `items` is what renders. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private readonly ids = new Set<number>();
	/** Live messages that came while the newest rows were not loaded (`hasNewer`). */
	private held: ChatItem[] = [];
	private noticeSeq = 0;

	constructor(
		readonly key: ConvKey,
		name: string
	) {
		this.name = name;
	}

	get kind(): 'room' | 'dm' {
		return this.key.startsWith('r:') ? 'room' : 'dm';
	}

	/** The room name, or the peer's id for a direct conversation. */
	get target(): string | number {
		return this.kind === 'room' ? this.key.slice(2) : Number(this.key.slice(2));
	}

	/** How much this conversation notifies: rooms default to mentions, DMs to every message. */
	get level(): NotifyLevel {
		return this.notify?.level ?? (this.kind === 'room' ? 'mentions' : 'all');
	}

	/** Muted: no unread count in the sidebar or the title, still marked unread. */
	get muted(): boolean {
		return this.notify?.muted ?? false;
	}

	get oldestId(): number | null {
		for (const item of this.items) if (item.id !== null && item.kind !== 'notice') return item.id;
		return null;
	}

	/** The newest stored message held (where `get_history {after}` continues). */
	get newestId(): number | null {
		for (let i = this.items.length - 1; i >= 0; i--) {
			const item = this.items[i];
			if (item.id !== null && item.kind !== 'notice' && !item.pending) return item.id;
		}
		return null;
	}

	has(id: number): boolean {
		return this.ids.has(id);
	}

	/**
	 * A message that arrived live. While the rows are a window away from the newest
	 * (`hasNewer`), it waits aside instead of being shown after a gap: the pages that close
	 * the gap bring it (or `attach()` does). Returns it as added either way (unread counts).
	 */
	live(item: ChatItem): ChatItem[] {
		if (!this.hasNewer || item.id === null) return this.merge([item]);
		if (this.ids.has(item.id) || this.held.some((x) => x.id === item.id)) return [];
		this.held.push(item);
		if (item.id > this.lastMessageId) this.lastMessageId = item.id;
		return [item];
	}

	/** The newest page is in: the window reaches the present, and what waited joins it. */
	attach(): void {
		this.hasNewer = false;
		const held = this.held;
		this.held = [];
		if (held.length) this.merge(held);
	}

	/**
	 * Starts again from a window around message `id` (a search result not among the rows
	 * held): the rows go, and the page around it (asked by the store) fills the view.
	 */
	openAround(id: number): void {
		this.reset();
		this.loaded = true;
		this.hasNewer = true;
		this.loadingOlder = true;
		this.focusId = id;
	}

	/**
	 * Adds rows, skipping ids already present; a stored message replaces the pending row
	 * with the same key (the server's echo of our own message). Returns the rows added.
	 */
	merge(incoming: ChatItem[]): ChatItem[] {
		const added: ChatItem[] = [];
		let items = this.items;
		let replaced = false;
		for (const item of incoming) {
			if (item.id !== null) {
				if (this.ids.has(item.id)) continue;
				this.ids.add(item.id);
				if (item.id > this.lastMessageId) this.lastMessageId = item.id;
			}
			const pendingIndex = item.clientId
				? items.findIndex((x) => x.key === item.key && x.pending)
				: -1;
			if (pendingIndex >= 0) {
				if (!replaced) items = [...items];
				replaced = true;
				items.splice(pendingIndex, 1);
			}
			added.push(item);
		}
		if (!added.length && !replaced) return added;
		const last = items.length ? items[items.length - 1].order : -Infinity;
		const sorted = added.every((a, i) => a.order > (i ? added[i - 1].order : last));
		// Appending in order is the common case; anything else (older pages, echoes before
		// pending rows) is a sort of the whole list, which stays cheap for thousands of rows.
		this.items = sorted
			? [...items, ...added]
			: [...items, ...added].sort((a, b) => a.order - b.order);
		return added;
	}

	/**
	 * A quiet system line (joins, leaves, moderation) after the newest message, or after
	 * message `afterId` when it is known (notices from history). A notice with a `key` that is
	 * already shown is not added again.
	 */
	notice(text: string, timestamp: number, opts: { key?: string; afterId?: number } = {}): void {
		const seq = ++this.noticeSeq;
		const base = opts.afterId ?? this.lastMessageId;
		const order = base + 0.5 + seq * 1e-6;
		const shown = opts.key ? this.items.findIndex((x) => x.key === opts.key) : -1;
		if (shown >= 0) {
			// Seen live before its history page came: history knows its exact place.
			if (opts.afterId !== undefined) this.update(opts.key!, { ...this.items[shown], order });
			this.items = [...this.items].sort((a, b) => a.order - b.order);
			return;
		}
		const item: ChatItem = {
			key: opts.key ?? `n:${seq}:${base}`,
			order,
			id: null,
			kind: 'notice',
			fromId: 0,
			fromName: 'System',
			text,
			timestamp,
			own: false
		};
		this.items = [...this.items, item].sort((a, b) => a.order - b.order);
	}

	/** The row of a stored message, if held. */
	byId(id: number): ChatItem | undefined {
		if (!this.ids.has(id)) return undefined;
		// Changes mostly touch recent messages: look from the newest.
		for (let i = this.items.length - 1; i >= 0; i--)
			if (this.items[i].id === id) return this.items[i];
		return undefined;
	}

	/** Replaces the row of message `id` with `change(row)`; false when the row is not held. */
	patch(id: number, change: (item: ChatItem) => ChatItem): boolean {
		const item = this.byId(id);
		if (!item) return false;
		const next = change(item);
		if (next !== item) this.update(item.key, next);
		return true;
	}

	/** Applies `change` to every row it changes (one new array at most). */
	patchAll(change: (item: ChatItem) => ChatItem): void {
		let changed = false;
		const items = this.items.map((x) => {
			const next = change(x);
			if (next !== x) changed = true;
			return next;
		});
		if (changed) this.items = items;
	}

	/**
	 * Removes a deleted message's row. Its id stays known, so a page or a replay that still
	 * carried it (sent before the deletion) cannot bring the row back.
	 */
	remove(id: number): void {
		const item = this.byId(id);
		this.ids.add(id);
		if (item) this.update(item.key, null);
	}

	/** Replaces a row by key (pending → failed), or removes it when `next` is null. */
	update(key: string, next: ChatItem | null): void {
		const index = this.items.findIndex((x) => x.key === key);
		if (index < 0) return;
		const items = [...this.items];
		if (next) items[index] = next;
		else items.splice(index, 1);
		this.items = items;
	}

	/** Forgets every row (the server could not resume the gap; the newest page is fetched again). */
	reset(): void {
		this.items = this.items.filter((x) => x.pending);
		this.ids.clear();
		this.loaded = false;
		this.hasMore = true;
		this.loadingOlder = false;
		this.hasNewer = false;
		this.loadingNewer = false;
		this.held = [];
	}

	/** Names of the readers of a room message (the author excluded by the caller). */
	seenBy(id: number, meId: number): string[] {
		const names: string[] = [];
		for (const [userId, r] of this.readers)
			if (userId !== meId && r.readId >= id) names.push(r.name);
		return names;
	}

	setTyping(who: Typist, on: boolean): void {
		const others = this.typing.filter((t) => t.id !== who.id);
		this.typing = on ? [...others, who] : others;
	}
}
