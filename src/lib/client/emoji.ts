/**
 * Emoji from Emojibase (https://emojibase.dev): names, tags, categories, skin tones, and
 * GitHub/Slack-style shortcodes. The data (~100 KB gzipped) is loaded on first use — the
 * picker opening or a `:shortcode` being typed — so it is not part of the chat page's bundle.
 */

export interface Emoji {
	emoji: string;
	/** English name ("waving hand"); search also matches tags and shortcodes. */
	name: string;
	group: number;
	/** Without colons: ["wave"]. Always at least one (made from the name when none exists). */
	shortcodes: string[];
	/** The five skin tones, light to dark, when the emoji has them. */
	skins?: string[];
	/** Lower-case text searched: shortcodes, name, tags. */
	search: string;
}

export interface EmojiData {
	list: Emoji[];
	byGroup: Map<number, Emoji[]>;
}

/** Emojibase groups shown as categories (2, "components", is only skin-tone swatches). */
export const GROUPS = [0, 1, 3, 4, 5, 6, 7, 8, 9] as const;
export type Group = (typeof GROUPS)[number];

/** Skin tone names in Emojibase labels ("waving hand: medium-dark skin tone"), light to dark. */
const TONES = ['light', 'medium-light', 'medium', 'medium-dark', 'dark'];

interface CompactEmoji {
	unicode: string;
	label: string;
	hexcode: string;
	group?: number;
	order?: number;
	tags?: string[];
	skins?: CompactEmoji[];
}

let loading: Promise<EmojiData> | null = null;

/** The dataset, fetched once per page (a failed fetch may be retried by calling again). */
export function loadEmoji(): Promise<EmojiData> {
	loading ??= Promise.all([
		import('emojibase-data/en/compact.json'),
		import('emojibase-data/en/shortcodes/github.json')
	]).then(
		([compact, github]) =>
			build(
				compact.default as unknown as CompactEmoji[],
				github.default as unknown as Record<string, string | string[]>
			),
		(err) => {
			loading = null;
			throw err;
		}
	);
	return loading;
}

function build(compact: CompactEmoji[], github: Record<string, string | string[]>): EmojiData {
	const list: Emoji[] = [];
	for (const e of compact) {
		if (e.group === undefined || e.group === 2) continue;
		const codes = github[e.hexcode];
		const shortcodes = codes ? (Array.isArray(codes) ? codes : [codes]) : [nameCode(e.label)];
		const skins = skinsOf(e);
		list.push({
			emoji: bare(e.unicode),
			name: e.label,
			group: e.group,
			shortcodes,
			skins,
			search: `${shortcodes.join(' ')} ${e.label} ${(e.tags ?? []).join(' ')}`.toLowerCase()
		});
	}
	const byGroup = new Map<number, Emoji[]>();
	for (const e of list) {
		let g = byGroup.get(e.group);
		if (!g) byGroup.set(e.group, (g = []));
		g.push(e);
	}
	return { list, byGroup };
}

/**
 * Drops a redundant U+FE0F from a single emoji that is shown as emoji anyway ("👍️" → "👍"),
 * so the same emoji is always the same string (in messages, recents, reactions). Where the
 * selector matters ("❤️", sequences) it stays.
 */
function bare(unicode: string): string {
	const chars = [...unicode];
	return chars.length === 2 && chars[1] === '\uFE0F' && /\p{Emoji_Presentation}/u.test(chars[0])
		? chars[0]
		: unicode;
}

function nameCode(label: string): string {
	return label
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
}

/** The five one-tone variants, or undefined (people pairs have 25 mixed ones: not offered). */
function skinsOf(e: CompactEmoji): string[] | undefined {
	if (!e.skins) return undefined;
	const out = TONES.map((t) => e.skins!.find((s) => s.label.endsWith(`: ${t} skin tone`)));
	return out.every(Boolean) ? out.map((s) => s!.unicode) : undefined;
}

/** The emoji in skin tone `tone` (0 = default yellow, 1-5 = light … dark). */
export function withTone(e: Emoji, tone: number): string {
	return (tone > 0 && e.skins?.[tone - 1]) || e.emoji;
}

/**
 * Emoji matching every word of `query`, best first: a shortcode that starts with the query,
 * then a name or tag word that does, then any match. One pass over ~1,900 entries.
 */
export function searchEmoji(data: EmojiData, query: string, limit: number): Emoji[] {
	const q = query.trim().toLowerCase();
	if (!q) return [];
	const words = q.split(/\s+/);
	const ranked: [number, Emoji][] = [];
	for (const e of data.list) {
		if (!words.every((w) => e.search.includes(w))) continue;
		let rank = 2;
		if (e.shortcodes.some((s) => s.startsWith(q))) rank = 0;
		else if (` ${e.search.replace(/[_:]/g, ' ')}`.includes(` ${words[0]}`)) rank = 1;
		ranked.push([rank, e]);
	}
	ranked.sort((a, b) => a[0] - b[0]);
	return ranked.slice(0, limit).map(([, e]) => e);
}

export interface ShortcodeMatch {
	emoji: Emoji;
	/** The shortcode that matched (👍 has "+1" and "thumbsup"; typing ":thu" shows the second). */
	code: string;
}

/** Shortcodes that start with the query (for `:sm` → :smile:), then ones that contain it. */
export function completeShortcode(data: EmojiData, query: string, limit: number): ShortcodeMatch[] {
	const q = query.toLowerCase();
	const starts: ShortcodeMatch[] = [];
	const contains: ShortcodeMatch[] = [];
	for (const emoji of data.list) {
		const start = emoji.shortcodes.find((s) => s.startsWith(q));
		if (start) starts.push({ emoji, code: start });
		else if (contains.length < limit) {
			const inside = emoji.shortcodes.find((s) => s.includes(q));
			if (inside) contains.push({ emoji, code: inside });
		}
		if (starts.length >= limit) break;
	}
	return [...starts, ...contains].slice(0, limit);
}

const RECENT_KEY = 'emoji-recent';
const RECENT_MAX = 24;

/** Recently picked emoji on this device, newest first. */
export function recentEmoji(): string[] {
	try {
		const v: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
		return Array.isArray(v)
			? v.filter((x): x is string => typeof x === 'string').slice(0, RECENT_MAX)
			: [];
	} catch {
		return [];
	}
}

export function rememberEmoji(emoji: string): void {
	const list = [emoji, ...recentEmoji().filter((e) => e !== emoji)].slice(0, RECENT_MAX);
	try {
		localStorage.setItem(RECENT_KEY, JSON.stringify(list));
	} catch {
		// Storage full or disabled: recents are a convenience.
	}
}

const TONE_KEY = 'emoji-tone';

export function savedTone(): number {
	const n = Number(globalThis.localStorage?.getItem(TONE_KEY) ?? 0);
	return Number.isInteger(n) && n >= 0 && n <= 5 ? n : 0;
}

export function saveTone(tone: number): void {
	try {
		localStorage.setItem(TONE_KEY, String(tone));
	} catch {
		// see rememberEmoji
	}
}
