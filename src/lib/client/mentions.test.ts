import { describe, expect, it } from 'vitest';
import { mentionAt, rankMentions } from './mentions';

describe('mentions', () => {
	it('finds the @query before the caret, at the start or after a space', () => {
		expect(mentionAt('@', 1)).toEqual({ query: '', start: 0 });
		expect(mentionAt('hi @Al', 6)).toEqual({ query: 'al', start: 3 });
		expect(mentionAt('mail a@b', 8)).toBeNull();
		expect(mentionAt('@bob and more', 13)).toBeNull();
		expect(mentionAt('x @bob.smith', 12)).toEqual({ query: 'bob.smith', start: 2 });
	});

	it('ranks prefix matches first, once each, never oneself', () => {
		const people = [
			{ id: 1, name: 'Alice', username: 'alice' },
			{ id: 2, name: 'Malik', username: 'malik' },
			{ id: 3, name: 'Al', username: 'al_x' },
			{ id: 2, name: 'Malik', username: 'malik' },
			{ id: 4, name: 'Guest', username: '' }
		];
		expect(rankMentions(people, 'al', 8).map((c) => c.id)).toEqual([3, 1, 2]);
		expect(rankMentions(people, 'al', 8, 3).map((c) => c.id)).toEqual([1, 2]);
		expect(rankMentions(people, '', 2).map((c) => c.id)).toEqual([3, 1]);
		expect(rankMentions([...people, { id: 5, name: 'A', username: 'al' }], 'al', 8)[0].id).toBe(5);
	});
});
