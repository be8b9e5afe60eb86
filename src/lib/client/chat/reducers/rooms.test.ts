import { describe, expect, it } from 'vitest';
import { harness, summary } from '../testing';
import { roomReducers } from './rooms';

describe('room reducers', () => {
	it('the first welcome sets who we are, the mute, the rooms and where resume continues', () => {
		const { store, apply } = harness();
		apply(roomReducers, 'welcome', {
			user_id: 1,
			user_name: 'alice2',
			is_admin: true,
			muted: { until: 1764200000, reason: 'spam' },
			rooms: [
				summary('general', { last_message_id: 40 }),
				summary('dev', { topic: 'code', unread: 3 }),
				summary('random', { joined: false })
			]
		});
		expect(store.me).toEqual({ id: 1, name: 'alice2', isAdmin: true });
		expect(store.mute).toEqual({ until: 1764200000, reason: 'spam' });
		expect(store.rooms.map((c) => c.name)).toEqual(['general', 'dev']);
		expect(store.room('dev').topic).toBe('code');
		expect(store.room('dev').unread).toBe(3);
		expect(store.otherRooms.map((r) => r.name)).toEqual(['random']);
		expect(store.cursor).toBe(40);
		// A reconnect's welcome does not move resume's position past what we actually saw.
		apply(roomReducers, 'welcome', {
			user_id: 1,
			user_name: 'alice2',
			rooms: [summary('general', { last_message_id: 90 })]
		});
		expect(store.cursor).toBe(40);
	});

	it('rooms drops rooms we no longer belong to (never #general) and leaves the view on #general', () => {
		const { store, apply } = harness();
		apply(roomReducers, 'rooms', [summary('general'), summary('dev')]);
		store.open(store.room('dev').key);
		apply(roomReducers, 'rooms', [summary('other')]);
		expect(store.rooms.map((c) => c.name)).toEqual(['general', 'other']);
		expect(store.activeKey).toBe('r:general');
	});

	it('a room someone else created is offered; our own or a known one is not', () => {
		const { store, apply } = harness();
		apply(roomReducers, 'room_created', { name: 'new', topic: 't' }, { from_id: 2 });
		apply(roomReducers, 'room_created', { name: 'new', topic: 't' }, { from_id: 3 });
		apply(roomReducers, 'room_created', { name: 'mine' }, { from_id: 1 });
		apply(roomReducers, 'room_created', { name: 'general' }, { from_id: 2 });
		expect(store.otherRooms.map((r) => r.name)).toEqual(['new']);
	});

	it('room_joined opens the room with its first page; room_left drops it and refreshes', () => {
		const { store, apply, sent } = harness();
		apply(roomReducers, 'room_created', { name: 'dev' }, { from_id: 2 });
		apply(roomReducers, 'room_joined', {
			room: 'dev',
			topic: 'code',
			history: { messages: [], has_more: false }
		});
		const dev = store.room('dev');
		expect(store.activeKey).toBe(dev.key);
		expect(dev.loaded).toBe(true);
		expect(dev.members).toBe(1);
		expect(store.otherRooms).toEqual([]);
		apply(roomReducers, 'room_left', { room: 'dev' });
		expect(store.conversations.has(dev.key)).toBe(false);
		expect(sent.at(-1)).toEqual({ type: 'get_rooms' });
	});

	it('others joining or leaving change the count and leave a notice; our other tab is followed', () => {
		const { store, apply, sent } = harness();
		const general = store.room('general');
		general.members = 2;
		apply(roomReducers, 'member_joined', {
			room: 'general',
			user_id: 2,
			user_name: 'bob',
			members: 3
		});
		apply(roomReducers, 'member_left', { room: 'general', user_id: 2, user_name: 'bob' });
		expect(general.members).toBe(2);
		expect(general.items.map((x) => x.text)).toEqual(['bob joined', 'bob left']);
		// Our other tab joined #dev: it appears here and its newest page is asked for.
		apply(roomReducers, 'member_joined', {
			room: 'dev',
			user_id: 1,
			user_name: 'alice',
			members: 4
		});
		expect(store.room('dev').members).toBe(4);
		expect(sent.at(-1)).toEqual({ type: 'get_history', room: 'dev', limit: 50 });
	});
});
