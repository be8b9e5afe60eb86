/**
 * The small text rules of PROTOCOL.md §10 that need no storage: what counts as one emoji,
 * which @usernames a text names, and a reply's excerpt of its parent.
 */

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** A pictograph (with any modifiers and ZWJ parts), a flag, or a keycap. */
const EMOJI_START =
	/^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3)/u;
export const MAX_EMOJI_BYTES = 32;
export const MAX_DISTINCT_EMOJI = 20;
export const EXCERPT_LENGTH = 100;

/** One emoji: a single grapheme cluster (skin tones and ZWJ sequences included), ≤ 32 bytes. */
export function isOneEmoji(text: string): boolean {
	if (text === '' || Buffer.byteLength(text) > MAX_EMOJI_BYTES) return false;
	const it = graphemes.segment(text)[Symbol.iterator]();
	const first = it.next();
	if (first.done || !it.next().done) return false;
	return EMOJI_START.test(text);
}

/**
 * The usernames a text names with `@`, lower-cased, each once, in order. `@` must start a
 * word (so e-mail addresses do not count). A trailing `.` or `-` is also tried without it
 * ("thanks @bob." names bob), so each mention yields one or two candidates.
 */
export function mentionCandidates(text: string): string[][] {
	const found: string[][] = [];
	const seen = new Set<string>();
	for (const match of text.matchAll(/(?<![\w@.])@([A-Za-z0-9_.-]{3,32})/g)) {
		const name = match[1].toLowerCase();
		if (seen.has(name)) continue;
		seen.add(name);
		const trimmed = name.replace(/[.-]+$/, '');
		found.push(trimmed !== name && trimmed.length >= 3 ? [name, trimmed] : [name]);
	}
	return found;
}

/**
 * `@room` (or its Chinese aliases `@频道`, `@房间`) as a word of its own: a mention of everyone in the
 * room (docs/protocol.md, "@room mentions"). "@rooms", "@room_x" and "a@room" are not it.
 */
const ROOM_MENTION = /(?<![\w@.])@(?:room|频道|房间)(?![\w-]|\.\w)/i;

export function mentionsRoom(text: string): boolean {
	return ROOM_MENTION.test(text);
}

/** A reply's quote of its parent: the first 100 characters of a text, nothing of an image. */
export function excerptOf(kind: string, body: string): string {
	if (kind === 'file') body = fileExcerpt(body);
	else if (kind !== 'text') return '';
	const chars = [...body];
	return chars.length <= EXCERPT_LENGTH ? body : chars.slice(0, EXCERPT_LENGTH).join('');
}

/** A file message quoted: its caption, or its name. */
function fileExcerpt(body: string): string {
	try {
		const content = JSON.parse(body) as { name?: unknown; caption?: unknown };
		return String(content.caption || content.name || '');
	} catch {
		return '';
	}
}
