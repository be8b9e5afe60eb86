import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/lib/server/realtime/rate-limit';
import { WindowCounter } from '../../src/lib/server/auth/throttle';

describe('TokenBucket', () => {
	it('allows the burst at once, then refills at the rate, never above the burst', () => {
		let now = 0;
		const bucket = new TokenBucket(10, 20, () => now);
		for (let i = 0; i < 20; i++) expect(bucket.take()).toBe(true);
		expect(bucket.take()).toBe(false);
		now += 100; // 1 token at 10/s
		expect(bucket.take()).toBe(true);
		expect(bucket.take()).toBe(false);
		now += 50; // half a token is not enough
		expect(bucket.take()).toBe(false);
		now += 50;
		expect(bucket.take()).toBe(true);
		now += 60_000; // a long pause refills only up to the burst
		let n = 0;
		while (bucket.take()) n++;
		expect(n).toBe(20);
	});

	it('supports rates below one per second', () => {
		let now = 0;
		const bucket = new TokenBucket(0.5, 1, () => now);
		expect(bucket.take()).toBe(true);
		now += 1000;
		expect(bucket.take()).toBe(false);
		now += 1000;
		expect(bucket.take()).toBe(true);
	});
});

describe('WindowCounter', () => {
	it('counts hits per key in a sliding window', () => {
		let now = 0;
		const counter = new WindowCounter(3, 1000, () => now);
		for (let i = 0; i < 3; i++) {
			expect(counter.retryAfterMs('a')).toBe(0);
			counter.hit('a');
			now += 100;
		}
		// Three hits at 0, 100, 200; now 300: the oldest leaves the window at 1000.
		expect(counter.retryAfterMs('a')).toBe(700);
		expect(counter.retryAfterMs('b')).toBe(0);
		now = 1000;
		expect(counter.retryAfterMs('a')).toBe(0); // the hit at 0 is out
		counter.hit('a');
		expect(counter.retryAfterMs('a')).toBe(100); // hits at 100, 200, 1000
	});

	it('forgets a key on reset', () => {
		const counter = new WindowCounter(1, 1000, () => 0);
		counter.hit('k');
		expect(counter.retryAfterMs('k')).toBeGreaterThan(0);
		counter.reset('k');
		expect(counter.retryAfterMs('k')).toBe(0);
	});

	it('never blocks with an infinite limit', () => {
		const counter = new WindowCounter(Infinity, 1000, () => 0);
		for (let i = 0; i < 100; i++) counter.hit('k');
		expect(counter.retryAfterMs('k')).toBe(0);
	});
});
