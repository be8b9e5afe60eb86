import { describe, expect, it } from 'vitest';
import { harness, wire } from '../testing';
import { messageReducers } from './messages';
import { moderationReducers, parseReason, parseUntil } from './moderation';

describe('moderation reducers', () => {
	it('muted and unmuted set and clear the mute', () => {
		const { store, apply } = harness();
		apply(moderationReducers, 'muted', { until: 1764200000, reason: 'spam' });
		expect(store.mute).toEqual({ until: 1764200000, reason: 'spam' });
		expect(store.isMuted).toBe(true);
		apply(moderationReducers, 'unmuted', {});
		expect(store.mute).toBeNull();
	});

	it('kicked and banned leave for the login page (the reason code in the URL, never the text)', () => {
		const { apply, navigated } = harness();
		apply(moderationReducers, 'kicked', { reason: 'bye' });
		apply(moderationReducers, 'banned', {});
		expect(navigated).toEqual(['/login?reason=kicked', '/login?reason=banned']);
	});

	it('a notice is kept once per audit entry, live or from history, after its message', () => {
		const { store, apply } = harness();
		const general = store.room('general');
		apply(messageReducers, 'history', {
			room: 'general',
			messages: [wire(1, 2, 'a'), wire(2, 2, 'b')],
			notices: [{ id: 7, action: 'mute', after_id: 1, timestamp: 1764100000 }],
			has_more: false
		});
		apply(moderationReducers, 'moderation', { id: 7, action: 'mute', after_id: 1 });
		expect(general.items.map((x) => x.text)).toEqual(['a', 'moderation:mute', 'b']);
		// A notice about another room we are not in is dropped.
		apply(moderationReducers, 'moderation', { id: 8, action: 'kick', room: 'elsewhere' });
		expect(store.conversations.has('r:elsewhere')).toBe(false);
	});

	it('reads the end and reason of a mute from the words of older servers', () => {
		expect(parseUntil('You are muted until 2026-11-25T22:00:00.000Z (spam)')).toBe(1795644000);
		expect(parseUntil('no date')).toBeNull();
		expect(parseReason('You are muted until 2026-11-25T22:00:00.000Z (spam)')).toBe('spam');
		expect(parseReason('no reason')).toBe('');
	});
});
