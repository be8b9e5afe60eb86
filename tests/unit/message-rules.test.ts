import { describe, expect, it } from 'vitest';
import { excerptOf, isOneEmoji, mentionCandidates } from '$lib/protocol/message-rules';

describe('isOneEmoji', () => {
	it('takes one emoji, modifiers and ZWJ sequences included', () => {
		for (const e of ['👍', '👍🏽', '👨‍👩‍👧', '❤️', '🇫🇷', '1️⃣', '🏳️‍🌈']) expect(isOneEmoji(e), e).toBe(true);
	});
	it('refuses text, two emoji, markup and oversized clusters', () => {
		for (const e of ['', 'x', 'ab', '👍👍', '<b>', ' 👍', '👍'.repeat(9), '👨‍👩‍👧‍👦‍👨‍👩‍👧'])
			expect(isOneEmoji(e), e).toBe(false);
	});
});

describe('mentionCandidates', () => {
	it('finds @names at word starts, once each, case-insensitive', () => {
		expect(mentionCandidates('hi @Bob and @alice_2, @BOB again')).toEqual([['bob'], ['alice_2']]);
	});
	it('ignores e-mail addresses and names too short', () => {
		expect(mentionCandidates('mail me@example.com or @ab')).toEqual([]);
	});
	it('tries a name without its trailing dot', () => {
		expect(mentionCandidates('thanks @bob.')).toEqual([['bob.', 'bob']]);
	});
});

describe('excerptOf', () => {
	it('keeps the first 100 characters of a text, counting code points', () => {
		expect(excerptOf('text', '会'.repeat(150))).toBe('会'.repeat(100));
		expect(excerptOf('text', 'short')).toBe('short');
		expect(excerptOf('image', 'https://x/y.png')).toBe('');
	});
});
