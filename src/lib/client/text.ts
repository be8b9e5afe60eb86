/**
 * Small, linear helpers about message text that the composer and the message body share.
 * Nothing here builds HTML: links are checked here and rendered as Svelte nodes.
 */

/** Schemes a link in a message may have; anything else (javascript:, data:, file:) is refused. */
const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The URL if it parses and is http, https or mailto; otherwise null. */
export function safeHref(raw: string): string | null {
	try {
		const url = new URL(raw);
		return LINK_PROTOCOLS.has(url.protocol) ? url.href : null;
	} catch {
		return null;
	}
}

/** The URL if it is an absolute http(s) URL (what an `<img>` may point at), else null. */
export function safeImageUrl(raw: string): string | null {
	try {
		const url = new URL(raw);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
	} catch {
		return null;
	}
}

const IMAGE_PATH = /\.(?:png|jpe?g|gif|webp|avif|bmp|svg)$/i;

/** A link that names an image file by its path's extension (what gets a preview). */
export function isImageUrl(href: string): boolean {
	try {
		const url = new URL(href);
		return (url.protocol === 'http:' || url.protocol === 'https:') && IMAGE_PATH.test(url.pathname);
	} catch {
		return false;
	}
}

/** A line that opens or closes a fenced code block: up to three spaces, then ``` or ~~~. */
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Whether the text ends inside a fenced code block that has not been closed, i.e. Enter at
 * the end of it should add a line rather than send. One pass over the lines; a fence closes
 * only with the same character, at least as long, as CommonMark says.
 */
export function insideOpenFence(text: string): boolean {
	let open: string | null = null;
	for (const line of text.split('\n')) {
		const m = FENCE_LINE.exec(line);
		if (!m) continue;
		const fence = m[1];
		if (open === null) open = fence;
		else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence)
			open = null;
	}
	return open !== null;
}

/** How far back from the caret a `:shortcode` is looked for (shortcodes are short). */
const SHORTCODE_LOOKBACK = 40;
const SHORTCODE_TAIL = /(?:^|[\s(])(:[a-z0-9_+-]{2,})$/i;

/**
 * The `:shortcode` being typed just before the caret (at least two characters after the
 * colon, at the start or after a space), with where it starts; null when there is none.
 */
export function shortcodeAt(text: string, caret: number): { query: string; start: number } | null {
	const from = Math.max(0, caret - SHORTCODE_LOOKBACK);
	const m = SHORTCODE_TAIL.exec(text.slice(from, caret));
	if (!m) return null;
	const start = caret - m[1].length;
	return { query: m[1].slice(1).toLowerCase(), start };
}
