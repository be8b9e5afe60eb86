/**
 * Stands in for the `entities` package inside markdown-it (see `resolve.alias` in
 * vite.config.ts). markdown-it only asks it to decode *named* references ("&amp;"); the full
 * table of 2,231 names is ~9 KB gzipped on every chat page load, for something people do not
 * type in chat. The common ones decode; any other name stays literal text ("&copy;"), which
 * is also what a chat user who typed it most likely meant. Numeric references ("&#169;") are
 * decoded by markdown-it itself.
 */
const NAMED: Record<string, string> = {
	'&amp;': '&',
	'&lt;': '<',
	'&gt;': '>',
	'&quot;': '"',
	'&apos;': "'",
	'&nbsp;': '\u00a0'
};

/** Decodes one named reference such as "&amp;" (markdown-it's only use); else unchanged. */
export function decodeHTMLStrict(str: string): string {
	return str.replace(/&[a-z]+;/gi, (ref) => NAMED[ref] ?? ref);
}
