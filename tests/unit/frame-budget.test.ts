import { describe, expect, it } from 'vitest';
import {
	FLOOD_CLOSE_AFTER,
	FRAME_COSTS,
	FrameBudget
} from '../../src/lib/server/realtime/frame-budget';

describe('FrameBudget', () => {
	it('charges by type: a burst of 200 buys 200 pings but 10 get_rooms', () => {
		let t = 0;
		const pings = new FrameBudget(100, 200, () => t);
		let n = 0;
		while (pings.charge('ping', 10).ok) n++;
		expect(n).toBe(200);
		const rooms = new FrameBudget(100, 200, () => t);
		n = 0;
		while (rooms.charge('get_rooms', 10).ok) n++;
		expect(n).toBe(200 / FRAME_COSTS.get_rooms);
		// Refilled over time, with a retry_after that says when.
		const refused = rooms.charge('get_rooms', 10);
		expect(refused).toMatchObject({ ok: false, retryAfterMs: 200 });
		t += 200;
		expect(rooms.charge('get_rooms', 10).ok).toBe(true);
	});

	it('answers a refusal at most once a second and closes a sustained flood', () => {
		const t = 0;
		const budget = new FrameBudget(100, 200, () => t);
		while (budget.charge('ping', 10).ok);
		let answers = 1; // the refusal that ended the loop was answered
		let closed = false;
		for (let i = 0; i < FLOOD_CLOSE_AFTER + 10 && !closed; i++) {
			const v = budget.precheck(10);
			if (!v.ok && v.answer) answers++;
			if (!v.ok && v.close) closed = true;
		}
		expect(answers).toBe(1);
		expect(closed).toBe(true);
	});

	it('size counts: every 16 KiB of a frame costs one unit more', () => {
		const budget = new FrameBudget(100, 4, () => 0);
		expect(budget.charge('ping', 64 * 1024).ok).toBe(false);
		expect(budget.charge('ping', 64 * 1024 - 1).ok).toBe(true);
	});
});
