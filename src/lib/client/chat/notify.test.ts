import { describe, expect, it } from 'vitest';
import { notifies, notifyReducers, setNotify } from './notify';
import { roomReducers } from './reducers/rooms';
import { harness, summary } from './testing';

describe('notification settings in the store', () => {
	it('summaries set them; absent means the defaults (rooms: mentions, DMs: all)', () => {
		const { store, apply } = harness();
		apply(roomReducers, 'rooms', [
			summary('general'),
			summary('dev', { notify: { level: 'nothing', muted: true } })
		]);
		expect(store.room('general').level).toBe('mentions');
		expect(store.room('general').muted).toBe(false);
		expect(store.room('dev').level).toBe('nothing');
		expect(store.room('dev').muted).toBe(true);
		expect(store.direct(7, 'bob').level).toBe('all');
		// A later summary without notify puts the defaults back.
		apply(roomReducers, 'rooms', [summary('general'), summary('dev')]);
		expect(store.room('dev').notify).toBeNull();
	});

	it('a muted conversation leaves the total (the title count) but stays unread', () => {
		const { store, apply } = harness();
		apply(roomReducers, 'rooms', [
			summary('general', { unread: 2 }),
			summary('dev', { unread: 5, notify: { level: 'all', muted: true } })
		]);
		expect(store.room('dev').unread).toBe(5);
		expect(store.totalUnread).toBe(2);
	});

	it('`notifications` updates the conversation it names; setNotify sends and shows at once', () => {
		const { store, apply, sent } = harness();
		store.room('dev');
		apply(notifyReducers, 'notifications', { room: 'dev', level: 'all', muted: true });
		expect(store.room('dev').notify).toEqual({ level: 'all', muted: true });
		store.direct(7, 'bob');
		apply(notifyReducers, 'notifications', { with: 7, level: 'bogus', muted: true });
		expect(store.direct(7).notify).toBeNull();
		// Nothing is created for a conversation this page does not hold.
		apply(notifyReducers, 'notifications', { room: 'elsewhere', level: 'all', muted: false });
		expect(store.conversations.has('r:elsewhere')).toBe(false);

		setNotify(store, store.direct(7), { muted: true });
		expect(store.direct(7).notify).toEqual({ level: 'all', muted: true });
		expect(sent.at(-1)).toEqual({ type: 'set_notifications', with: 7, muted: true });
	});

	it('the level decides browser notifications', () => {
		const { store } = harness();
		const dev = store.room('dev');
		expect([notifies(dev, false), notifies(dev, true)]).toEqual([false, true]);
		dev.notify = { level: 'all', muted: true };
		expect(notifies(dev, false)).toBe(true);
		dev.notify = { level: 'nothing', muted: false };
		expect(notifies(dev, true)).toBe(false);
		expect(notifies(store.direct(7), false)).toBe(true);
	});
});
