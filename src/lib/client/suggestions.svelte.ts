import type { ChatStore } from './chat.svelte';
import type { Conversation } from './conversation.svelte';
import { completeShortcode, loadEmoji, rememberEmoji, type ShortcodeMatch } from './emoji';
import { mentionAt, rankMentions, type MentionCandidate } from './mentions';
import { people } from './people.svelte';
import { shortcodeAt } from './text';

/** At most this many options are listed. */
const SHOWN = 8;

/** One option of the composer's autocomplete. */
export interface Suggestion {
	key: string;
	glyph?: string;
	label: string;
	detail?: string;
	/** Replaces the typed `:query` or `@query`. */
	insert: string;
	/** An emoji to remember as recently used. */
	emoji?: string;
}

/** Where a pick goes: the typed `:query`/`@query` from `start` to the caret, replaced. */
export interface Completion {
	start: number;
	insert: string;
}

/**
 * The composer's autocomplete under the caret's word: `:shortcode` (emoji) or `@name`
 * (people to mention). It holds the list, its kind and the active option; the composer
 * feeds it the draft and the caret, and applies the completion it returns.
 */
export class Suggestions {
	list = $state<Suggestion[]>([]);
	kind = $state<'emoji' | 'mention'>('emoji');
	active = $state(0);
	private start = 0;
	private directory: MentionCandidate[] = [];
	private directoryQuery: string | null = null;

	constructor(
		private readonly chat: () => ChatStore,
		private readonly conv: () => Conversation,
		/** The draft and the caret now (they may move on while data loads). */
		private readonly text: () => { draft: string; caret: number }
	) {}

	get open(): boolean {
		return this.list.length > 0;
	}

	close(): void {
		this.list = [];
	}

	/** Looks at the word under the caret and lists what completes it. */
	async update(): Promise<void> {
		const { draft, caret } = this.text();
		const mention = mentionAt(draft, caret);
		if (mention) return this.mentions(mention.query, mention.start);
		const found = shortcodeAt(draft, caret);
		if (!found) {
			this.list = [];
			return;
		}
		const data = await loadEmoji().catch(() => null);
		// The text may have moved on while the data loaded: look again.
		const now = this.text();
		const again = shortcodeAt(now.draft, now.caret);
		if (!data || !again || again.query !== found.query) return;
		this.show(
			'emoji',
			again.start,
			completeShortcode(data, again.query, SHOWN).map(({ code, emoji }: ShortcodeMatch) => ({
				key: emoji.emoji,
				glyph: emoji.emoji,
				label: `:${code}:`,
				insert: emoji.emoji,
				emoji: emoji.emoji
			}))
		);
	}

	/**
	 * Handles a key while the list is open: arrows move, Enter/Tab pick (the completion is
	 * returned), Escape closes. `handled`: the key was the list's.
	 */
	key(e: KeyboardEvent): { handled: boolean; pick?: Completion } {
		const n = this.list.length;
		if (e.key === 'ArrowDown') this.active = (this.active + 1) % n;
		else if (e.key === 'ArrowUp') this.active = (this.active - 1 + n) % n;
		else if (e.key === 'Enter' || e.key === 'Tab')
			return { handled: true, pick: this.pick(this.list[this.active]) };
		else if (e.key === 'Escape') {
			e.stopPropagation();
			this.list = [];
		} else return { handled: false };
		return { handled: true };
	}

	/** Chooses an option: the list closes, an emoji is remembered as recently used. */
	pick(option: Suggestion): Completion {
		this.list = [];
		if (option.emoji) rememberEmoji(option.emoji);
		return { start: this.start, insert: option.insert };
	}

	private show(kind: 'emoji' | 'mention', start: number, list: Suggestion[]): void {
		const same = this.kind === kind && this.start === start;
		this.kind = kind;
		this.start = start;
		this.list = list;
		if (!same || this.active >= list.length) this.active = 0;
	}

	private mentions(query: string, start: number): void {
		const conv = this.conv();
		const list = (extra: MentionCandidate[]) =>
			rankMentions([...this.candidates(), ...extra], query, SHOWN, this.chat().me.id).map((c) => ({
				key: `u${c.id}`,
				label: c.name,
				detail: `@${c.username}`,
				insert: `@${c.username} `
			}));
		this.show('mention', start, list(this.directoryQuery === query ? this.directory : []));
		if (conv.kind !== 'room' || conv.target !== 'general' || this.directoryQuery === query) return;
		this.directoryQuery = query;
		void people.search(query, 0, SHOWN).then(
			(page) => {
				if (this.directoryQuery !== query) return;
				this.directory = page.users.map((u) => ({ id: u.id, name: u.name, username: u.username }));
				const { draft, caret } = this.text();
				const now = mentionAt(draft, caret);
				if (now && now.query === query) this.show('mention', now.start, list(this.directory));
			},
			() => {}
		);
	}

	/**
	 * The conversation's members as far as the page knows them: the peer of a DM; in a room the
	 * authors of its messages, and in #general (every account's room) everyone online and the
	 * directory's matches too. The protocol has no member list of other rooms.
	 */
	private candidates(): MentionCandidate[] {
		const store = this.chat();
		const conv = this.conv();
		const list: MentionCandidate[] = [];
		const add = (id: number, name: string, username?: string | null) => {
			if (username) list.push({ id, name, username });
		};
		if (conv.kind === 'dm') {
			const peer = Number(conv.target);
			const known = store.known.get(peer);
			const online = store.online.find((u) => u.id === peer);
			add(peer, known?.name ?? conv.name, known?.username ?? online?.username);
			return list;
		}
		for (const item of conv.items)
			if (item.kind !== 'notice' && !item.own) add(item.fromId, item.fromName, item.fromUsername);
		if (conv.target === 'general') for (const u of store.online) add(u.id, u.name, u.username);
		return list;
	}
}
