import { describe, expect, it } from 'vitest';
import { harness } from '../testing';
import { TYPING_EXPIRE_MS, TYPING_IDLE_MS, TYPING_INTERVAL_MS } from '../typing';
import { typingReducers } from './typing';

describe('typing', () => {
	it('shows others typing until they stop, and drops a stale one after the expiry', () => {
		const { store, apply, advance } = harness();
		const general = store.room('general');
		apply(typingReducers, 'typing', {
			room: 'general',
			user_id: 2,
			user_name: 'bob',
			is_typing: true
		});
		apply(typingReducers, 'typing', {
			room: 'general',
			user_id: 1,
			user_name: 'alice',
			is_typing: true
		});
		expect(general.typing.map((t) => t.name)).toEqual(['bob']);
		apply(typingReducers, 'typing', {
			room: 'general',
			user_id: 2,
			user_name: 'bob',
			is_typing: false
		});
		expect(general.typing).toEqual([]);
		apply(typingReducers, 'typing', {
			room: 'general',
			user_id: 2,
			user_name: 'bob',
			is_typing: true
		});
		advance(TYPING_EXPIRE_MS - 1);
		expect(general.typing).toHaveLength(1);
		// A refresh restarts the expiry.
		apply(typingReducers, 'typing', {
			room: 'general',
			user_id: 2,
			user_name: 'bob',
			is_typing: true
		});
		advance(TYPING_EXPIRE_MS - 1);
		expect(general.typing).toHaveLength(1);
		advance(1);
		expect(general.typing).toEqual([]);
	});

	it('typing in a conversation we do not hold is ignored', () => {
		const { store, apply } = harness();
		apply(typingReducers, 'typing', { with: 9, user_id: 9, user_name: 'x', is_typing: true });
		expect(store.conversations.has('u:9')).toBe(false);
	});

	it('sends typing at most every interval, and the stop after a pause or on a switch', () => {
		const { store, sent, advance } = harness();
		const general = store.room('general');
		const dm = store.direct(2, 'bob');
		store.typed(general);
		store.typed(general);
		advance(TYPING_INTERVAL_MS);
		store.typed(general);
		store.typed(dm);
		advance(TYPING_IDLE_MS);
		expect(sent.filter((m) => m.type === 'typing')).toEqual([
			{ type: 'typing', is_typing: true, room: 'general' },
			{ type: 'typing', is_typing: true, room: 'general' },
			{ type: 'typing', is_typing: false, room: 'general' },
			{ type: 'typing', is_typing: true, to_id: 2 },
			{ type: 'typing', is_typing: false, to_id: 2 }
		]);
	});

	it('a muted user sends no typing', () => {
		const { store, sent, clock } = harness();
		store.mute = { until: clock.now / 1000 + 60, reason: '' };
		store.typed(store.room('general'));
		expect(sent).toEqual([]);
	});
});
