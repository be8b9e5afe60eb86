import { describe, expect, it } from 'vitest';
import { parseTerms, snippetOf } from '../../src/lib/server/chat/search-text';

describe('parseTerms', () => {
	it('splits words, keeps "phrases" as written, drops 1-character words and repeats', () => {
		expect(parseTerms('  Budget  "quarterly review" a budget 会议 ')).toEqual([
			'quarterly review',
			'Budget',
			'会议'
		]);
		expect(parseTerms('"unclosed quote')).toEqual(['unclosed', 'quote']);
		expect(parseTerms('tab\tand\u0000nul')).toEqual(['tab', 'and', 'nul']);
		expect(parseTerms('a b c')).toEqual([]);
		expect(parseTerms('""')).toEqual([]);
		expect(parseTerms('😀')).toEqual([]);
		expect(parseTerms('😀😀')).toEqual(['😀😀']);
	});
});

describe('snippetOf', () => {
	it('marks every match, case-insensitively, merged where they overlap, in code points', () => {
		expect(snippetOf('Hello hello HELLO', ['hello'])).toEqual({
			text: 'Hello hello HELLO',
			marks: [
				[0, 5],
				[6, 11],
				[12, 17]
			]
		});
		expect(snippetOf('abcdef', ['bcd', 'cde']).marks).toEqual([[1, 5]]);
		expect(snippetOf('😀 会议 Äpfel', ['会议', 'äpfel']).marks).toEqual([
			[2, 4],
			[5, 10]
		]);
		// Regular expression characters in a term are text.
		expect(snippetOf('cost (a+b)*2', ['(a+b)*']).marks).toEqual([[5, 11]]);
	});

	it('cuts a long message around the first match, with … where cut', () => {
		const body = 'x'.repeat(500) + ' needle ' + 'y'.repeat(500);
		const { text, marks } = snippetOf(body, ['needle']);
		expect(text.startsWith('…') && text.endsWith('…')).toBe(true);
		expect([...text].length).toBe(162);
		expect(text.slice(marks[0][0], marks[0][1])).toBe('needle');
		const start = snippetOf('needle ' + 'z'.repeat(500), ['needle']);
		expect(start.text.startsWith('needle')).toBe(true);
		expect(start.marks).toEqual([[0, 6]]);
		const end = snippetOf('z'.repeat(500) + ' needle', ['needle']);
		expect(end.text.endsWith('needle')).toBe(true);
		expect(end.text.startsWith('…')).toBe(true);
	});
});
