import { describe, expect, it } from 'vitest';
import { Liveness } from './liveness';

/** Timers fired by hand. */
function clock() {
	const c = {
		now: 0,
		timers: [] as { id: number; at: number; fn: () => void }[],
		seq: 0,
		set: (fn: () => void, ms: number) => {
			const id = ++c.seq;
			c.timers.push({ id, at: c.now + ms, fn });
			return id;
		},
		clear: (id: unknown) => {
			c.timers = c.timers.filter((t) => t.id !== id);
		},
		advance(ms: number) {
			const end = c.now + ms;
			for (;;) {
				const next = c.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
				if (!next) break;
				c.now = next.at;
				c.clear(next.id);
				next.fn();
			}
			c.now = end;
		}
	};
	return c;
}

function watch() {
	const c = clock();
	const log: string[] = [];
	const l = new Liveness({
		pingAfterMs: 15_000,
		deadAfterMs: 30_000,
		ping: () => log.push(`ping@${c.now}`),
		dead: () => log.push(`dead@${c.now}`),
		now: () => c.now,
		setTimer: c.set,
		clearTimer: c.clear
	});
	return { c, log, l };
}

describe('Liveness', () => {
	it('pings after half the heartbeat of silence and declares the socket dead after all of it', () => {
		const { c, log, l } = watch();
		l.start();
		c.advance(40_000);
		expect(log).toEqual(['ping@15000', 'dead@30000']);
		expect(c.timers).toHaveLength(0);
	});

	it('never pings a socket that keeps talking, and an answer to the ping keeps it alive', () => {
		const { c, log, l } = watch();
		l.start();
		for (let t = 0; t < 10; t++) {
			c.advance(10_000);
			l.heard();
		}
		expect(log).toEqual([]);
		c.advance(16_000);
		expect(log).toEqual(['ping@115000']);
		l.heard(); // the pong
		c.advance(20_000);
		expect(log).toEqual(['ping@115000', 'ping@131000']);
	});

	it('a probe asks at once and gives up after its own short wait', () => {
		const { c, log, l } = watch();
		l.start();
		c.advance(1_000);
		l.probe(5_000);
		expect(log).toEqual(['ping@1000']);
		c.advance(5_000);
		expect(log).toEqual(['ping@1000', 'dead@6000']);
	});

	it('a probe that is answered changes nothing; stop() cancels everything', () => {
		const { c, log, l } = watch();
		l.start();
		l.probe(5_000);
		l.heard();
		c.advance(10_000);
		expect(log).toEqual(['ping@0']);
		l.stop();
		c.advance(100_000);
		expect(log).toEqual(['ping@0']);
	});
});
