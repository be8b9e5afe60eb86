import { describe, expect, it } from 'vitest';
import { FrameOrder, MAX_WAITING_FRAMES, SLOW_FRAME_MS } from '$lib/server/realtime/frame-order';

/** A socket whose reading these tests do not look at. */
const unread = { pause() {}, resume() {} };

describe('FrameOrder', () => {
	it('runs at once when idle, and a frame behind async work only after it settled', async () => {
		const order = new FrameOrder(unread);
		const log: string[] = [];
		order.run(() => void log.push('sync'));
		expect(log).toEqual(['sync']);

		let finish!: () => void;
		order.run(async () => {
			log.push('read starts');
			await new Promise<void>((resolve) => (finish = resolve));
			log.push('read done');
		});
		order.run(() => void log.push('next frame'));
		order.run(async () => {
			throw new Error('a failing frame does not stop the ones behind it');
		});
		order.run(() => void log.push('last frame'));
		expect(log).toEqual(['sync', 'read starts']);

		finish();
		await new Promise((resolve) => setImmediate(resolve));
		expect(log).toEqual(['sync', 'read starts', 'read done', 'next frame', 'last frame']);

		// Idle again: the next frame runs synchronously.
		order.run(() => void log.push('idle again'));
		expect(log.at(-1)).toBe('idle again');
	});
});

describe('FrameOrder backpressure', () => {
	it('stops reading the socket when too many frames wait, and reads again once half are done', async () => {
		const calls: string[] = [];
		const order = new FrameOrder({
			pause: () => calls.push('pause'),
			resume: () => calls.push('resume')
		});
		let finish!: () => void;
		order.run(() => new Promise<void>((resolve) => (finish = resolve)));
		let ran = 0;
		for (let i = 0; i < MAX_WAITING_FRAMES; i++) order.run(() => void ran++);
		expect(calls).toEqual([]);
		order.run(() => void ran++);
		expect(calls).toEqual(['pause']);
		// More frames that were already read do not pause twice.
		order.run(() => void ran++);
		expect(calls).toEqual(['pause']);

		finish();
		await new Promise((resolve) => setImmediate(resolve));
		expect(ran).toBe(MAX_WAITING_FRAMES + 2);
		expect(calls).toEqual(['pause', 'resume']);
	});
});

describe('FrameOrder and slow frames', () => {
	const busy = (ms: number) => {
		const end = performance.now() + ms;
		while (performance.now() < end);
	};
	const turn = () => new Promise((resolve) => setImmediate(resolve));

	it('lets the loop turn after a frame that held it over SLOW_FRAME_MS', async () => {
		for (const slow of [
			() => busy(SLOW_FRAME_MS + 5), // synchronous
			async () => {
				await Promise.resolve();
				busy(SLOW_FRAME_MS + 5); // asynchronous, but all within one turn
			}
		]) {
			const order = new FrameOrder(unread);
			const log: string[] = [];
			order.run(() => {
				setImmediate(() => log.push('a turn'));
				return slow();
			});
			order.run(() => void log.push('next frame'));
			await turn();
			await turn();
			expect(log).toEqual(['a turn', 'next frame']);
		}
	});

	it('does not hold up the next frame after one that waited for I/O, however long', async () => {
		const order = new FrameOrder(unread);
		const log: string[] = [];
		order.run(async () => {
			await new Promise((resolve) => setTimeout(resolve, SLOW_FRAME_MS + 5));
			setImmediate(() => log.push('a turn'));
		});
		order.run(() => void log.push('next frame'));
		await new Promise((resolve) => setTimeout(resolve, SLOW_FRAME_MS + 10));
		await turn();
		expect(log).toEqual(['next frame', 'a turn']);
	});
});
