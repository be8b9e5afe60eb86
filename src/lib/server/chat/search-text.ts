/**
 * The text side of search, the same for every storage backend: a query string into terms,
 * and a message body into a snippet with its matches marked (PROTOCOL.md §11 and
 * docs/protocol.md, "Search").
 */

/** Terms of one query, at most; more is a 400 (each costs an index lookup). */
export const MAX_TERMS = 8;

/** A snippet shows at most this many characters (code points) of a longer message. */
export const SNIPPET_LENGTH = 160;

/** Characters shown before the first match when the message is cut. */
const LEAD = 40;

/** `[start, end)` in code points of `text`. */
export type Mark = [number, number];

export interface Snippet {
	text: string;
	marks: Mark[];
}

/**
 * The terms of a query: each `"quoted phrase"` as written (trimmed), then the other words
 * split on white space. Control characters count as spaces; an unclosed quote is ignored.
 * Words of one character are dropped (they match nearly everything), and repeats (ignoring
 * case) are kept once. Empty when nothing of 2 characters or more remains.
 */
export function parseTerms(query: string): string[] {
	const text = query.replace(/\p{Cc}/gu, ' ');
	const terms: string[] = [];
	const rest = text.replace(/"([^"]*)"/g, (_, phrase: string) => {
		terms.push(phrase.trim());
		return ' ';
	});
	terms.push(...rest.replaceAll('"', ' ').split(/\s+/u));
	const seen = new Set<string>();
	return terms.filter((t) => {
		const key = t.toLowerCase();
		if ([...t].length < 2 || seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/**
 * Where the terms occur in `body` (case-insensitively, as the search matched), as one
 * snippet: the whole body when short, otherwise SNIPPET_LENGTH characters starting a little
 * before the first match, with `…` where it was cut. Marks never overlap and are in order.
 */
export function snippetOf(body: string, terms: readonly string[]): Snippet {
	const chars = [...body];
	const marks = matchRanges(body, terms);
	if (chars.length <= SNIPPET_LENGTH) return { text: body, marks };
	const first = marks[0]?.[0] ?? 0;
	let start = Math.max(0, first - LEAD);
	const end = Math.min(chars.length, start + SNIPPET_LENGTH);
	start = Math.max(0, end - SNIPPET_LENGTH);
	const head = start > 0 ? '…' : '';
	const tail = end < chars.length ? '…' : '';
	const shift = head.length - start;
	return {
		text: head + chars.slice(start, end).join('') + tail,
		marks: marks
			.filter(([s, e]) => e > start && s < end)
			.map(([s, e]) => [Math.max(s, start) + shift, Math.min(e, end) + shift] as Mark)
	};
}

/** Every occurrence of every term, merged where they touch or overlap, in code points. */
function matchRanges(body: string, terms: readonly string[]): Mark[] {
	const ranges: Mark[] = [];
	for (const term of terms) {
		// 'iu': Unicode simple case folding, the folding the index matched with.
		const re = new RegExp(term.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'), 'giu');
		// Matches come in order: count code points from the previous one (linear per term).
		let at = 0;
		let start = 0;
		for (const m of body.matchAll(re)) {
			start += codePoints(body, at, m.index);
			at = m.index;
			ranges.push([start, start + [...m[0]].length]);
		}
	}
	ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	const merged: Mark[] = [];
	for (const r of ranges) {
		const last = merged.at(-1);
		if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
		else merged.push([r[0], r[1]]);
	}
	return merged;
}

/** How many code points lie between two UTF-16 indexes. */
function codePoints(text: string, from: number, to: number): number {
	let n = 0;
	for (let i = from; i < to; i++) {
		const c = text.charCodeAt(i);
		// A high surrogate and its low one are one code point: count the pair once.
		if (c < 0xdc00 || c > 0xdfff) n++;
	}
	return n;
}
