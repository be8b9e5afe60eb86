import { describe, expect, it } from 'vitest';
import { harness, wire } from '../testing';
import { messageReducers } from './messages';

describe('message reducers', () => {
	it('a message from someone else counts as unread, sets the divider and is announced', () => {
		const { store, apply, incoming } = harness();
		const general = store.room('general');
		apply(messageReducers, 'message', undefined, wire(5, 2, 'hi'));
		apply(messageReducers, 'message', undefined, wire(6, 2, 'again'));
		apply(messageReducers, 'message', undefined, wire(6, 2, 'again'));
		expect(general.items.map((x) => x.id)).toEqual([5, 6]);
		expect(general.unread).toBe(2);
		expect(general.dividerBefore).toBe(5);
		expect(incoming).toEqual([5, 6]);
		expect(store.cursor).toBe(6);
	});

	it('is not unread when the user watches the conversation', () => {
		const { store, apply } = harness({ watching: true });
		apply(messageReducers, 'message', undefined, wire(5, 2, 'hi'));
		expect(store.room('general').unread).toBe(0);
	});

	it('our echo replaces the pending row and leaves the outbox (memory and disk)', () => {
		const { store, apply, storage } = harness();
		const general = store.room('general');
		store.sendText(general, 'hello');
		expect(store.outboxSize).toBe(1);
		expect(storage.load()).toHaveLength(1);
		apply(messageReducers, 'message', undefined, wire(7, 1, 'hello', { client_id: 'c1' }));
		expect(store.outboxSize).toBe(0);
		expect(storage.load()).toHaveLength(0);
		expect(general.items.map((x) => [x.id, x.pending ?? false])).toEqual([[7, false]]);
		expect(general.unread).toBe(0);
	});

	it('DMs go to the peer conversation, both ways', () => {
		const { store, apply } = harness();
		apply(messageReducers, 'private_message', undefined, {
			...wire(3, 2, 'psst', { type: 'private_message', room: undefined }),
			to_id: 1
		});
		apply(messageReducers, 'private_message_sent', undefined, {
			...wire(4, 1, 'yes', { type: 'private_message_sent', room: undefined }),
			to_id: 2,
			to_name: 'bob'
		});
		const dm = store.direct(2);
		expect(dm.name).toBe('bob');
		expect(dm.items.map((x) => x.id)).toEqual([3, 4]);
	});

	it('has_more counts only for the oldest page held; a history page ends loading', () => {
		const { store, apply } = harness();
		const general = store.room('general');
		apply(messageReducers, 'history', {
			room: 'general',
			messages: [wire(10, 2, 'a')],
			has_more: true
		});
		expect(general.hasMore).toBe(true);
		expect(general.loaded).toBe(true);
		// A later page (say, after a reconnect) says nothing about what lies before row 10.
		apply(messageReducers, 'history', {
			room: 'general',
			messages: [wire(11, 2, 'b')],
			has_more: false
		});
		expect(general.hasMore).toBe(true);
		general.loadingOlder = true;
		apply(messageReducers, 'history', {
			room: 'general',
			messages: [wire(9, 2, 'c')],
			has_more: false
		});
		expect(general.hasMore).toBe(false);
		expect(general.loadingOlder).toBe(false);
		expect(general.items.map((x) => x.id)).toEqual([9, 10, 11]);
	});

	it('a first DM page names the peer from their messages', () => {
		const { store, apply } = harness();
		const dm = store.direct(3);
		expect(dm.name).toBe('#3');
		apply(messageReducers, 'history', {
			with: 3,
			messages: [wire(1, 3, 'hey', { type: 'private_message', room: undefined })],
			has_more: false
		});
		expect(dm.name).toBe('user3');
	});

	it('a truncated resume starts every conversation over and asks for the active one', () => {
		const { store, apply, sent } = harness();
		const general = store.room('general');
		apply(messageReducers, 'history', {
			room: 'general',
			messages: [wire(1, 2, 'a')],
			has_more: false
		});
		apply(messageReducers, 'resumed', { truncated: false });
		expect(general.items).toHaveLength(1);
		apply(messageReducers, 'resumed', { truncated: true });
		expect(general.items).toHaveLength(0);
		expect(sent.at(-1)).toEqual({ type: 'get_history', room: 'general', limit: 50 });
	});
});
