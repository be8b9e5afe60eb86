/**
 * Message text as parts the template renders with plain text nodes and <a> elements,
 * so user text is never parsed as HTML. Only http(s) links become clickable.
 */
export type TextPart =
	{ kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"]+/gi;
/** Punctuation that usually ends a sentence rather than a URL. */
const TRAILING = new Set([...'.,;:!?)]}\'"»”’']);

/** Drops trailing punctuation, but keeps a ")" that closes a "(" inside the URL ("…_(film)"). */
function trimUrl(url: string): string {
	let end = url.length;
	while (end > 0 && TRAILING.has(url[end - 1])) {
		if (url[end - 1] === ')') {
			const head = url.slice(0, end);
			const opens = head.split('(').length - 1;
			const closes = head.split(')').length - 1;
			if (opens >= closes) break;
		}
		end--;
	}
	return url.slice(0, end);
}

export function tokenize(text: string): TextPart[] {
	const parts: TextPart[] = [];
	let last = 0;
	for (const match of text.matchAll(URL_RE)) {
		const url = trimUrl(match[0]);
		const start = match.index;
		const href = safeHref(url);
		if (!href) continue;
		if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
		parts.push({ kind: 'link', text: url, href });
		last = start + url.length;
	}
	if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
	return parts;
}

/** The URL if it parses and is http or https; anything else (javascript:, data:) is refused. */
export function safeHref(raw: string): string | null {
	try {
		const url = new URL(raw);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
	} catch {
		return null;
	}
}
