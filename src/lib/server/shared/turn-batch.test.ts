import { describe, expect, it } from 'vitest';
import { groupedBy, TurnBatch } from './turn-batch';

describe('TurnBatch', () => {
	it('answers the reads of one turn with one call, each with its own part', async () => {
		const calls: number[][] = [];
		const batch = new TurnBatch(async (keys: number[]) => {
			calls.push(keys);
			return keys.map((k) => k * 10);
		});
		const answers = await Promise.all([batch.request(1), batch.request(2), batch.request(3)]);
		expect(answers).toEqual([10, 20, 30]);
		expect(calls).toEqual([[1, 2, 3]]);
		// A read in a later turn is a call of its own.
		expect(await batch.request(4)).toBe(40);
		expect(calls).toEqual([[1, 2, 3], [4]]);
	});

	it('splits a large batch, and a failed call rejects only its own reads', async () => {
		const batch = new TurnBatch(async (keys: number[]) => {
			if (keys.includes(3)) throw new Error('boom');
			return keys;
		}, 2);
		const results = await Promise.allSettled([1, 2, 3, 4, 5].map((k) => batch.request(k)));
		expect(results.map((r) => r.status)).toEqual([
			'fulfilled',
			'fulfilled',
			'rejected',
			'rejected',
			'fulfilled'
		]);
	});
});

describe('groupedBy', () => {
	it('groups rows in the order of the keys, an empty list for a key without rows', () => {
		const rows = [
			{ k: 2, v: 'a' },
			{ k: 1, v: 'b' },
			{ k: 2, v: 'c' }
		];
		expect(groupedBy([1, 2, 3], rows, (r) => r.k)).toEqual([
			[{ k: 1, v: 'b' }],
			[
				{ k: 2, v: 'a' },
				{ k: 2, v: 'c' }
			],
			[]
		]);
	});
});
