import { describe, expect, it } from 'vitest';
import { AdmissionQueue } from './admission';

/** A task that finishes when told to, recording that it started. */
function gate(started: string[], name: string) {
	let open!: () => void;
	const done = new Promise<void>((r) => (open = r));
	return { task: () => (started.push(name), done), open };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('AdmissionQueue', () => {
	it('runs at most `concurrency` tasks at once, sequences ahead of waiting upgrades', async () => {
		const q = new AdmissionQueue(2, 10);
		const started: string[] = [];
		const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => gate(started, n));
		expect(q.admit(a!.task)).toBe(true);
		expect(q.admit(b!.task)).toBe(true);
		expect(q.admit(c!.task)).toBe(true);
		await turn();
		expect(started).toEqual(['a', 'b']);
		const sequence = q.run(d!.task);
		a!.open();
		await turn();
		await turn();
		// The sequence of an upgraded socket overtakes the upgrade still waiting.
		expect(started).toEqual(['a', 'b', 'd']);
		d!.open();
		await sequence;
		for (let i = 0; i < 5 && started.length < 4; i++) await turn();
		expect(started).toEqual(['a', 'b', 'd', 'c']);
		b!.open();
		c!.open();
	});

	it('refuses new upgrades when `maxWaiting` wait, and takes them again once it drains', async () => {
		const q = new AdmissionQueue(1, 2);
		const started: string[] = [];
		const [a, b, c] = ['a', 'b', 'c'].map((n) => gate(started, n));
		expect(q.admit(a!.task)).toBe(true);
		expect(q.admit(b!.task)).toBe(true);
		expect(q.admit(c!.task)).toBe(false); // two wait, none started yet
		await turn();
		expect(started).toEqual(['a']); // one running, one waiting: room for one more
		expect(q.admit(c!.task)).toBe(true);
		expect(q.admit(async () => {})).toBe(false);
		a!.open();
		b!.open();
		c!.open();
		for (let i = 0; i < 10 && q.length > 0; i++) await turn();
		expect(started).toEqual(['a', 'b', 'c']);
		expect(q.admit(async () => {})).toBe(true);
	});

	it('starts the next tasks together once `group` slots are free', async () => {
		const q = new AdmissionQueue(4, 10, 2);
		const started: string[] = [];
		const tasks = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => gate(started, n));
		for (const t of tasks) q.admit(t.task);
		await turn();
		expect(started).toEqual(['a', 'b', 'c', 'd']);
		tasks[0]!.open();
		for (let i = 0; i < 5; i++) await turn();
		// One slot free: fewer than the group, so nothing starts yet.
		expect(started).toEqual(['a', 'b', 'c', 'd']);
		tasks[1]!.open();
		for (let i = 0; i < 5 && started.length < 6; i++) await turn();
		expect(started).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
		// The last one waiting starts alone: a group is never waited for beyond what waits.
		tasks[2]!.open();
		for (let i = 0; i < 5 && started.length < 7; i++) await turn();
		expect(started).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
		for (const t of tasks) t.open();
	});
});
