import { describe, expect, it } from 'vitest';
import { safeNext } from '../../src/lib/server/auth/redirect';
import { WindowCounter } from '../../src/lib/server/auth/throttle';
import { QueueFullError, WorkQueue } from '../../src/lib/server/auth/work-queue';
import { isLoopback } from '../../src/lib/server/metrics-access';
import { loginReason } from '../../src/lib/login-reasons';

describe('WindowCounter.reserve', () => {
	it('counts at once, so the limit holds for callers that have not finished', () => {
		const counter = new WindowCounter(3, 1000, () => 0);
		const refunds = Array.from({ length: 5 }, () => counter.reserve('k'));
		expect(refunds.filter(Boolean)).toHaveLength(3);
		expect(counter.retryAfterMs('k')).toBe(1000);
	});

	it('gives back exactly one attempt per refund, once', () => {
		let now = 0;
		const counter = new WindowCounter(2, 1000, () => now);
		const first = counter.reserve('k')!;
		now = 10;
		counter.reserve('k');
		expect(counter.reserve('k')).toBeNull();
		first();
		first(); // a second call does nothing
		expect(counter.reserve('k')).not.toBeNull();
		expect(counter.reserve('k')).toBeNull();
	});
});

describe('WorkQueue', () => {
	it('runs at most `concurrency` jobs, queues `maxWaiting`, refuses the rest at once', async () => {
		const queue = new WorkQueue(2, 1);
		let running = 0;
		let peak = 0;
		const gates: (() => void)[] = [];
		const job = () =>
			new Promise<void>((resolve) => {
				running++;
				peak = Math.max(peak, running);
				gates.push(() => {
					running--;
					resolve();
				});
			});
		const results = [1, 2, 3, 4].map((i) =>
			queue.run(job).then(
				() => `ok${i}`,
				(err) => (err instanceof QueueFullError ? `full${i}` : 'other')
			)
		);
		expect(await results[3]).toBe('full4'); // refused before anything finished
		expect(queue.size).toBe(3);
		expect(queue.full).toBe(true);
		while (gates.length || running) {
			await new Promise((r) => setImmediate(r));
			gates.shift()?.();
		}
		expect(await Promise.all(results)).toEqual(['ok1', 'ok2', 'ok3', 'full4']);
		expect(peak).toBe(2);
		expect(queue.size).toBe(0);
	});

	it('frees the slot when a job fails', async () => {
		const queue = new WorkQueue(1, 0);
		await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		await expect(queue.run(async () => 7)).resolves.toBe(7);
	});
});

describe('safeNext', () => {
	const origin = 'https://chat.example';
	it.each([
		['/\\evil.example/x'],
		['/\t/evil.example'],
		['//evil'],
		['\\\\evil'],
		['https://evil'],
		['javascript:alert(1)'],
		['http://chat.example/x'], // another scheme is another origin
		['https://chat.example.evil/x']
	])('sends %j home', (next) => {
		expect(safeNext(next, origin)).toBe('/');
	});

	it('keeps paths of the app, normalized', () => {
		expect(safeNext('/r/general?x=1#last', origin)).toBe('/r/general?x=1#last');
		expect(safeNext('/a/../admin', origin)).toBe('/admin');
		expect(safeNext('https://chat.example/admin', origin)).toBe('/admin');
		expect(safeNext(null, origin)).toBe('/');
	});
});

describe('isLoopback', () => {
	it('knows IPv4, IPv6 and mapped loopback addresses from others', () => {
		for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
			expect(isLoopback(a)).toBe(true);
		for (const a of ['10.0.0.1', '203.0.113.9', '::ffff:10.0.0.1', 'fe80::1', '', 'localhost'])
			expect(isLoopback(a)).toBe(false);
	});
});

describe('loginReason', () => {
	it('accepts only known codes', () => {
		expect(loginReason('kicked')).toBe('kicked');
		expect(loginReason('banned')).toBe('banned');
		for (const v of [null, '', 'Your account is locked', 'toString', '__proto__'])
			expect(loginReason(v)).toBeNull();
	});
});
