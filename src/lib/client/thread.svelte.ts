import type { ChatItem, ConvKey } from './conversation.svelte';

/**
 * The thread open in the side panel: its root and the replies `get_thread` brought, paged
 * backwards. Replies that arrive live are rows of the room's stream (PROTOCOL.md §10), so the
 * panel shows these pages together with the conversation's rows of the same thread
 * (`rows`); changes are applied to both.
 */
export class ThreadView {
	root = $state.raw<ChatItem | null>(null);
	/** Replies from `thread` pages, oldest first. */
	replies = $state.raw<ChatItem[]>([]);
	hasMore = $state(false);
	loading = $state(true);
	/** The root was deleted while the panel was open. */
	rootDeleted = $state(false);

	constructor(
		readonly convKey: ConvKey,
		/** The message the panel was opened from: the root, or any reply (the server resolves it). */
		readonly askedId: number,
		root?: ChatItem
	) {
		// A reply opened the panel: its root is not known until the answer.
		if (root && root.threadRoot === undefined) this.root = root;
	}

	get rootId(): number | null {
		return this.root?.id ?? null;
	}

	/** Does a `thread` answer (its root and replies) belong to this panel? */
	answers(rootId: number, replyIds: number[]): boolean {
		return rootId === this.askedId || rootId === this.rootId || replyIds.includes(this.askedId);
	}

	/** A page of replies (the first, or an older one) in their current state. */
	fill(root: ChatItem, page: ChatItem[], hasMore: boolean): void {
		this.root = root;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a temporary, not state
		const held = new Set(this.replies.map((r) => r.id));
		const fresh = page.filter((r) => !held.has(r.id));
		this.replies = [...fresh, ...this.replies].sort((a, b) => a.order - b.order);
		this.hasMore = hasMore;
		this.loading = false;
	}

	get oldestId(): number | null {
		return this.replies[0]?.id ?? null;
	}

	/** The rows to show: this panel's pages and the conversation's rows of the thread, once each. */
	rows(conversationRows: readonly ChatItem[]): ChatItem[] {
		const rootId = this.rootId;
		if (rootId === null) return this.replies;
		const live = conversationRows.filter((x) => x.threadRoot === rootId);
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a temporary, not state
		const byKey = new Map<string, ChatItem>();
		for (const r of this.replies) byKey.set(r.key, r);
		// The conversation's copy is the one live events keep current.
		for (const r of live) byKey.set(r.key, r);
		const oldest = this.replies[0]?.order ?? -Infinity;
		return [...byKey.values()]
			.filter((r) => !this.hasMore || r.order >= oldest)
			.sort((a, b) => a.order - b.order);
	}

	patch(id: number, change: (item: ChatItem) => ChatItem): void {
		if (this.root?.id === id) this.root = change(this.root);
		const index = this.replies.findIndex((r) => r.id === id);
		if (index < 0) return;
		const next = change(this.replies[index]);
		if (next === this.replies[index]) return;
		const replies = [...this.replies];
		replies[index] = next;
		this.replies = replies;
	}

	patchAll(change: (item: ChatItem) => ChatItem): void {
		if (this.root) this.root = change(this.root);
		this.replies = this.replies.map(change);
	}

	remove(id: number): void {
		if (this.root?.id === id) this.rootDeleted = true;
		this.replies = this.replies.filter((r) => r.id !== id);
	}
}
