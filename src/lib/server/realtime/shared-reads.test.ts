import { describe, expect, it } from 'vitest';
import { events } from '$lib/protocol/events';
import { LocalBus } from './bus';
import { SharedReads } from './shared-reads';

/** A read that counts how often it ran and answers with that count. */
function counter() {
	let runs = 0;
	return {
		read: async () => ({ runs: ++runs }),
		get runs() {
			return runs;
		}
	};
}

const someChange = { kind: 'mute', userId: 1, mute: null } as const;

describe('SharedReads', () => {
	it('shares one read among callers while no event has been heard, in flight or done', async () => {
		const bus = new LocalBus();
		const shared = new SharedReads(bus);
		const c = counter();
		const [a, b] = await Promise.all([shared.read('k', c.read), shared.read('k', c.read)]);
		const later = await shared.read('k', c.read);
		expect(c.runs).toBe(1);
		expect(a).toBe(b);
		expect(later).toBe(a);
		expect(Object.isFrozen(a)).toBe(true);
		// Another key is another read.
		await shared.read('other', c.read);
		expect(c.runs).toBe(2);
	});

	it('reads again after any change on the bus, but not after presence', async () => {
		const bus = new LocalBus();
		const shared = new SharedReads(bus);
		const c = counter();
		await shared.read('k', c.read);
		bus.publish({ kind: 'presence', usersOnline: 3, online: [], offline: [] });
		bus.publish({
			kind: 'event',
			to: { everyone: true },
			event: events.join({ user_id: 2, user_name: 'b', users_online: 2 })
		});
		await shared.read('k', c.read);
		expect(c.runs).toBe(1);
		bus.publish(someChange);
		expect(await shared.read('k', c.read)).toEqual({ runs: 2 });
	});

	it('does not share a failed read, nor anything while the bus is down', async () => {
		const bus = new LocalBus();
		const shared = new SharedReads(bus);
		await expect(shared.read('k', () => Promise.reject(new Error('down')))).rejects.toThrow();
		const c = counter();
		await shared.read('k', c.read);
		expect(c.runs).toBe(1);

		const down = { healthy: false, subscribe: bus.subscribe.bind(bus) };
		const unshared = new SharedReads(down);
		await unshared.read('k', c.read);
		await unshared.read('k', c.read);
		expect(c.runs).toBe(3);
	});
});
