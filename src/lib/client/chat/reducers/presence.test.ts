import { describe, expect, it } from 'vitest';
import { harness } from '../testing';
import { presenceReducers } from './presence';

describe('presence reducers', () => {
	it('follows the online list through users, join and leave', () => {
		const { store, apply } = harness();
		apply(presenceReducers, 'users', [{ id: 1, name: 'alice', connected_at: 0, is_admin: false }]);
		apply(presenceReducers, 'join', { user_id: 2, user_name: 'bob', is_admin: true });
		apply(presenceReducers, 'join', { user_id: 2, user_name: 'bob', is_admin: true });
		expect(store.online.map((u) => [u.id, u.is_admin])).toEqual([
			[1, false],
			[2, true]
		]);
		apply(presenceReducers, 'leave', { user_id: 2 });
		expect(store.online.map((u) => u.id)).toEqual([1]);
	});

	it('someone leaving stops their "is typing" everywhere', () => {
		const { store, apply } = harness();
		const general = store.room('general');
		general.setTyping({ id: 2, name: 'bob' }, true);
		apply(presenceReducers, 'leave', { user_id: 2 });
		expect(general.typing).toEqual([]);
	});

	it('renames follow into the online list, the DM title and our own name', () => {
		const { store, apply } = harness();
		apply(presenceReducers, 'users', [{ id: 2, name: 'bob', connected_at: 0, is_admin: false }]);
		const dm = store.direct(2);
		apply(presenceReducers, 'user_renamed', { user_id: 2, new_name: 'robert' });
		expect(store.online[0].name).toBe('robert');
		expect(dm.name).toBe('robert');
		apply(presenceReducers, 'name_changed', { new_name: 'ally' });
		expect(store.me.name).toBe('ally');
	});
});
