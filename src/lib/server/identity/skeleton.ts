/**
 * A name's "skeleton": what it looks like, with the differences a reader cannot see taken
 * out, so that two names with the same skeleton can pass for each other. In the spirit of
 * Unicode TS #39 (confusable detection), kept small on purpose:
 *
 * 1. NFKC folds compatibility forms (full-width ａ, ligatures, superscripts) to plain ones;
 * 2. lower case (case folding), then NFD and every combining mark removed (é → e);
 * 3. a table of Cyrillic and Greek letters and digits that look like Latin letters;
 * 4. only letters, digits and pictographs (emoji, So) are kept, so spaces, dots, brackets
 *    and invisible characters do not make a difference ("r.a.c.e.r" looks like "racer" to a
 *    hurried reader).
 *
 * i, l, I, 1 and | are all one letter here, and so are o and 0: in many fonts they are.
 */
export function skeleton(name: string): string {
	const folded = name.normalize('NFKC').toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
	let out = '';
	for (const ch of folded) out += CONFUSABLE[ch] ?? ch;
	return out
		.replace(/[^\p{L}\p{N}\p{So}]/gu, '')
		.replace(/rn/g, 'm')
		.replace(/vv/g, 'w');
}

/** Look-alikes → the Latin letter they pass for (after lower-casing). */
const CONFUSABLE: Record<string, string> = {
	// digits and symbols
	'0': 'o',
	'1': 'l',
	'|': 'l',
	'3': 'e',
	'5': 's',
	$: 's',
	'@': 'a',
	i: 'l',
	ı: 'l',
	// Cyrillic
	а: 'a',
	в: 'b',
	е: 'e',
	ё: 'e',
	һ: 'h',
	і: 'l',
	ї: 'l',
	ј: 'j',
	к: 'k',
	ӏ: 'l',
	м: 'm',
	н: 'h',
	о: 'o',
	р: 'p',
	с: 'c',
	т: 't',
	у: 'y',
	х: 'x',
	ѕ: 's',
	ԁ: 'd',
	ԛ: 'q',
	ԝ: 'w',
	ь: 'b',
	// Greek
	α: 'a',
	β: 'b',
	γ: 'y',
	ε: 'e',
	η: 'n',
	ι: 'l',
	κ: 'k',
	ν: 'v',
	ο: 'o',
	ρ: 'p',
	τ: 't',
	υ: 'u',
	χ: 'x',
	ω: 'w',
	ϲ: 'c'
};

/** Words a name may not look like or contain: they would pass for staff or server notices. */
export const RESERVED_WORDS = ['admin', 'system', 'moderator'].map(skeleton);

/** Zero-width characters, bidi overrides and other invisible formatting (Unicode Cf). */
export const FORMAT_CHARS = /\p{Cf}/u;
/** Control characters (Unicode Cc): newlines, escapes. */
export const CONTROL_CHARS = /\p{Cc}/u;
