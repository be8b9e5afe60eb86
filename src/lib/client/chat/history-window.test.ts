import { describe, expect, it } from 'vitest';
import { harness, wire } from './testing';
import { messageReducers } from './reducers/messages';

describe('opening a conversation at a message (search results)', () => {
	it('asks for the window around it, holds live messages aside until the pages reach the present', () => {
		const { store, apply, sent } = harness();
		const general = store.room('general');
		apply(messageReducers, 'history', {
			room: 'general',
			messages: [wire(90, 2, 'new')],
			has_more: true
		});
		store.openAt(general.key, 40);
		expect(sent.at(-1)).toEqual({ type: 'get_history', room: 'general', around: 40, limit: 50 });
		expect(general.items).toEqual([]);
		expect(general.hasNewer).toBe(true);
		expect(general.focusId).toBe(40);

		apply(messageReducers, 'history', {
			room: 'general',
			messages: [wire(39, 2, 'a'), wire(40, 2, 'b'), wire(41, 2, 'c')],
			has_more: true,
			has_newer: true
		});
		expect(general.items.map((x) => x.id)).toEqual([39, 40, 41]);
		expect(general.hasMore).toBe(true);

		// Live: not shown after a gap, but counted.
		apply(messageReducers, 'message', undefined, wire(95, 2, 'live'));
		expect(general.items.map((x) => x.id)).toEqual([39, 40, 41]);
		expect(general.unread).toBe(1);

		store.loadNewer(general);
		expect(sent.at(-1)).toEqual({ type: 'get_history', room: 'general', after: 41, limit: 50 });
		expect(general.loadingNewer).toBe(true);
		store.loadNewer(general); // one at a time
		expect(sent.filter((f) => f.after !== undefined)).toHaveLength(1);
		apply(messageReducers, 'history', {
			room: 'general',
			messages: [wire(42, 2, 'd'), wire(90, 2, 'new')],
			has_more: true,
			has_newer: false
		});
		expect(general.hasNewer).toBe(false);
		expect(general.loadingNewer).toBe(false);
		expect(general.items.map((x) => x.id)).toEqual([39, 40, 41, 42, 90, 95]);
		// The older end is still there to load.
		expect(general.hasMore).toBe(true);
	});

	it('a message already held is only focused; back to the latest leaves a window', () => {
		const { store, apply, sent } = harness();
		const general = store.room('general');
		apply(messageReducers, 'history', {
			room: 'general',
			messages: [wire(10, 2, 'a'), wire(11, 2, 'b')],
			has_more: false
		});
		const asked = sent.length;
		store.openAt(general.key, 10);
		expect(sent.length).toBe(asked);
		expect(general.focusId).toBe(10);
		expect(general.items.map((x) => x.id)).toEqual([10, 11]);

		store.openAt(general.key, 3);
		expect(general.hasNewer).toBe(true);
		store.backToLatest(general);
		expect(general.hasNewer).toBe(false);
		expect(sent.at(-1)).toEqual({ type: 'get_history', room: 'general', limit: 50 });
	});
});
