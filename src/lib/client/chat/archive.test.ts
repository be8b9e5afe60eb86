import { describe, expect, it } from 'vitest';
import { mentionsReader, notifyReducers } from './notify';
import { roomReducers } from './reducers/rooms';
import { harness, summary } from './testing';

describe('archived rooms in the store (issue 15)', () => {
	it('summaries, room_joined and room_updated mark a room archived; the offer drops it', () => {
		const { store, apply } = harness();
		apply(roomReducers, 'rooms', [
			summary('general'),
			summary('old', { archived: true }),
			summary('gone', { joined: false, archived: true }),
			summary('open', { joined: false })
		]);
		expect(store.room('old').archived).toBe(true);
		expect(store.otherRooms.map((r) => r.name)).toEqual(['open']);
		apply(roomReducers, 'room_updated', { room: 'old', topic: '' });
		expect(store.room('old').archived).toBe(false);
		apply(roomReducers, 'room_updated', { room: 'open', topic: '', archived: true });
		expect(store.otherRooms).toEqual([]);
		apply(roomReducers, 'room_joined', {
			room: 'again',
			topic: '',
			archived: true,
			history: { messages: [], has_more: false }
		});
		expect(store.room('again').archived).toBe(true);
	});
});

describe('@room and the reader’s setting', () => {
	it('an @room passes by a room the reader muted or silenced; a DM or a plain mention does not', () => {
		const { store } = harness();
		const dev = store.room('dev');
		const room = { mentions: [1], text: 'standup @room' };
		expect(mentionsReader(dev, room, 1)).toBe(true);
		dev.notify = { level: 'mentions', muted: true };
		expect(mentionsReader(dev, room, 1)).toBe(false);
		expect(mentionsReader(dev, { mentions: [1], text: 'hey @me' }, 1)).toBe(true);
		dev.notify = { level: 'nothing', muted: false };
		expect(mentionsReader(dev, room, 1)).toBe(false);
		expect(mentionsReader(dev, { mentions: [2], text: 'hey' }, 1)).toBe(false);
	});
});

describe('a setting from another device', () => {
	it('for a conversation not on the page yet applies when it appears', () => {
		const { store, apply } = harness();
		apply(notifyReducers, 'notifications', { with: 42, level: 'nothing', muted: false });
		expect(store.conversations.has('u:42' as never)).toBe(false);
		expect(store.direct(42, 'zoe').level).toBe('nothing');
		apply(notifyReducers, 'notifications', { room: 'later', level: 'all', muted: true });
		expect(store.room('later').muted).toBe(true);
		expect(store.pendingNotify.size).toBe(0);
	});
});
