import { describe, expect, it } from 'vitest';
import type { OnlineUser } from '$lib/protocol/events';
import { matchesPerson, sortByName } from '../online-list';
import { harness } from '../testing';
import { presenceReducers } from './presence';
import { roomReducers } from './rooms';

const user = (id: number, name = `u${id}`): OnlineUser => ({
	id,
	name,
	username: name,
	connected_at: 0,
	is_admin: false
});
const welcome = (usersOnline: number, max = 3) => ({
	user_id: 1,
	user_name: 'alice',
	is_admin: false,
	is_guest: false,
	server_stats: { users_online: usersOnline, uptime_seconds: 1, server_time: 1 },
	rooms: [],
	presence_broadcast_max: max
});
const ids = (list: OnlineUser[]) => list.map((u) => u.id).sort((a, b) => a - b);

describe('presence in a large community (docs/protocol.md §13)', () => {
	it('a small community keeps version 1: no watch, the list is the count', () => {
		const { store, apply, sent } = harness();
		apply(roomReducers, 'welcome', welcome(2));
		apply(presenceReducers, 'users', [user(1), user(2)]);
		apply(presenceReducers, 'join', { user_id: 3, user_name: 'u3', users_online: 3 });
		expect(sent.filter((m) => m.type === 'watch_presence')).toEqual([]);
		expect(store.roster.large).toBe(false);
		expect(store.roster.count(store)).toBe(3);
	});

	it('after a welcome above the threshold: watches the DM partners, keeps only them, exact count', () => {
		const { store, apply, sent } = harness();
		store.direct(7, 'u7');
		apply(roomReducers, 'welcome', welcome(40));
		expect(sent.at(-1)).toEqual({ type: 'watch_presence', user_ids: [7] });
		apply(presenceReducers, 'users', [user(1), user(2), user(7)]);
		expect(ids(store.online)).toEqual([1, 7]);
		expect(store.roster.count(store)).toBe(40);
		apply(presenceReducers, 'presence', { users_online: 39, offline: [7] });
		expect(ids(store.online)).toEqual([1]);
		expect(store.roster.count(store)).toBe(39);
		// A new DM partner changes the watch; the same one again sends nothing.
		store.direct(9, 'u9');
		store.roster.sync(store);
		store.roster.sync(store);
		expect(sent.filter((m) => m.type === 'watch_presence')).toHaveLength(2);
	});

	it('opening the list: watch everyone first, then pages until next_after_id is null', () => {
		const { store, apply, sent } = harness();
		apply(roomReducers, 'welcome', welcome(5));
		apply(presenceReducers, 'users', [user(1), user(2), user(3)]);
		sent.length = 0;
		store.roster.open(store);
		expect(sent).toEqual([
			{ type: 'watch_presence', all: true, user_ids: [] },
			{ type: 'get_users', after_id: 0, limit: 1000 }
		]);
		apply(presenceReducers, 'users_page', {
			users: [user(1), user(2), user(3)],
			next_after_id: 3,
			users_online: 5
		});
		expect(sent.at(-1)).toEqual({ type: 'get_users', after_id: 3, limit: 1000 });
		expect(store.roster.loaded).toBe(3);
		apply(presenceReducers, 'users_page', {
			users: [user(4), user(5)],
			next_after_id: null,
			users_online: 5
		});
		expect(store.roster.loaded).toBeNull();
		expect(ids(store.online)).toEqual([1, 2, 3, 4, 5]);
		// Closed: back to the partners only, the big list dropped.
		store.roster.close(store);
		expect(sent.at(-1)).toEqual({ type: 'watch_presence', user_ids: [] });
		expect(ids(store.online)).toEqual([1]);
	});

	it('a page read after the watch and deltas around it converge, whatever the order', () => {
		const { store, apply } = harness();
		apply(roomReducers, 'welcome', welcome(10));
		apply(presenceReducers, 'users', [user(1), user(2), user(3)]);
		store.roster.open(store);
		// A delta from before the page was read: 8 came, 2 went.
		apply(presenceReducers, 'presence', { users_online: 10, online: [user(8)], offline: [2] });
		// The page (ids 1–6) no longer has 2 and not yet 4 (it went before the page was read).
		apply(presenceReducers, 'users_page', {
			users: [user(1), user(3), user(5), user(6)],
			next_after_id: 6,
			users_online: 10
		});
		// After the page: 5 renamed itself and 6 went; 12 came (a later page will have it too).
		apply(presenceReducers, 'presence', {
			users_online: 10,
			online: [user(5, 'five'), user(12)],
			offline: [6]
		});
		apply(presenceReducers, 'users_page', {
			users: [user(8), user(12)],
			next_after_id: null,
			users_online: 10
		});
		expect(ids(store.online)).toEqual([1, 3, 5, 8, 12]);
		expect(store.online.find((u) => u.id === 5)?.name).toBe('five');
		// The same delta twice changes nothing (idempotent).
		const before = store.online;
		apply(presenceReducers, 'presence', { users_online: 10, offline: [6] });
		expect(ids(store.online)).toEqual(ids(before));
	});

	it('a users list after a presence event replaces the list: back under the threshold', () => {
		const { store, apply, sent } = harness();
		apply(roomReducers, 'welcome', welcome(2));
		apply(presenceReducers, 'users', [user(1), user(2)]);
		apply(presenceReducers, 'presence', { users_online: 4 });
		expect(store.roster.large).toBe(true);
		expect(sent.at(-1)).toEqual({ type: 'watch_presence', user_ids: [] });
		apply(presenceReducers, 'users', [user(1), user(2), user(4)]);
		expect(store.roster.large).toBe(false);
		expect(ids(store.online)).toEqual([1, 2, 4]);
		expect(store.roster.count(store)).toBe(3);
		apply(presenceReducers, 'leave', { user_id: 4, users_online: 2 });
		expect(store.roster.count(store)).toBe(2);
	});

	it('a reconnect re-sends the watch and restarts paging if the list is open', () => {
		const { store, apply, sent } = harness();
		apply(roomReducers, 'welcome', welcome(10));
		store.roster.open(store);
		sent.length = 0;
		apply(roomReducers, 'welcome', welcome(10));
		expect(sent).toEqual([
			{ type: 'watch_presence', all: true, user_ids: [] },
			{ type: 'get_users', after_id: 0, limit: 1000 }
		]);
		// A page that arrives once the list is closed is dropped.
		store.roster.close(store);
		apply(presenceReducers, 'users_page', {
			users: [user(2)],
			next_after_id: null,
			users_online: 10
		});
		expect(ids(store.online)).toEqual([]);
	});
});

describe('people list helpers', () => {
	it('sorts by name with numbers in number order, and searches name and @username', () => {
		const list = [user(3, 'User10'), user(1, 'user2'), user(2, 'Ann')];
		expect(sortByName(list).map((u) => u.name)).toEqual(['Ann', 'user2', 'User10']);
		const zed = { ...user(9, 'Zed Zebra'), username: 'zz_top' };
		expect(matchesPerson(zed, 'zebra')).toBe(true);
		expect(matchesPerson(zed, '@ZZ_')).toBe(true);
		expect(matchesPerson(zed, 'top')).toBe(true);
		expect(matchesPerson(zed, 'ann')).toBe(false);
		expect(matchesPerson({ ...user(4, 'Guest 4'), username: null }, '@guest')).toBe(false);
	});
});
