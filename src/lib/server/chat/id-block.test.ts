import { describe, expect, it } from 'vitest';
import { IdBlock } from './id-block';

describe('IdBlock', () => {
	it('hands out each id once, with one refill at a time for callers that arrive together', async () => {
		let refills = 0;
		let from = 10;
		const ids = new IdBlock(async () => {
			refills++;
			await new Promise((r) => setImmediate(r));
			const first = from;
			from += 3;
			return { first, last: first + 2 };
		});
		const taken = await Promise.all(Array.from({ length: 7 }, () => ids.take()));
		expect(taken.sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16]);
		expect(refills).toBe(3);
	});

	it('fails the callers waiting for a failed refill, and the next caller tries again', async () => {
		let fail = true;
		const ids = new IdBlock(async () => {
			if (fail) throw new Error('store down');
			return { first: 1, last: 5 };
		});
		const waiting = await Promise.allSettled([ids.take(), ids.take()]);
		expect(waiting.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		fail = false;
		expect(await ids.take()).toBe(1);
		expect(await ids.take()).toBe(2);
	});
});
