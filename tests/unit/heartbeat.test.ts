import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../src/lib/server/realtime/connection';
import { Heartbeat } from '../../src/lib/server/realtime/heartbeat';

/** A socket that counts pings and terminations; `answers` says whether it pongs. */
function socket(answers: boolean) {
	const conn = {
		id: 0,
		alive: true,
		identity: undefined,
		pings: 0,
		terminated: false,
		ws: {
			ping() {
				conn.pings++;
				if (answers) conn.alive = true;
			},
			terminate() {
				conn.terminated = true;
			}
		}
	};
	return conn;
}

afterEach(() => vi.useRealTimers());

describe('Heartbeat', () => {
	it('pings in slices spread over the interval, and terminates a socket that never answers', () => {
		vi.useFakeTimers();
		const live = Array.from({ length: 599 }, () => socket(true));
		const dead = socket(false);
		const all = [...live, dead];
		const hub = { connections: new Set(all as unknown as Connection[]) };
		const disconnects: string[] = [];
		const heartbeat = new Heartbeat(
			hub,
			{ exists: async () => true },
			{ disconnected: (reason) => disconnects.push(reason) },
			{ debug() {}, error() {} },
			1000
		);
		const pinged = () => all.filter((c) => c.pings > 0).length;
		vi.advanceTimersByTime(1000);
		expect(pinged()).toBe(256); // one slice in the interval's first task, not all 600
		vi.advanceTimersByTime(100);
		expect(pinged()).toBe(512);
		vi.advanceTimersByTime(100);
		expect(pinged()).toBe(600);
		expect(disconnects).toEqual([]);
		vi.advanceTimersByTime(1000); // the next pass: the silent one goes, the rest are pinged again
		vi.advanceTimersByTime(200);
		expect(dead.terminated).toBe(true);
		expect(disconnects).toEqual(['heartbeat']);
		expect(live.every((c) => c.pings === 2 && !c.terminated)).toBe(true);
		heartbeat.stop();
	});
});
