import { describe, expect, it } from 'vitest';
import { harness } from './testing';

describe('OutboxQueue (through the store)', () => {
	it('keeps an offline message on disk and pending, and sends it on connect with its client_id', () => {
		const { store, sent, storage, setOnline } = harness({ online: false });
		const general = store.room('general');
		expect(store.sendText(general, 'hello')).toBe(true);
		expect(sent).toEqual([]);
		expect(storage.load().map((r) => r.clientId)).toEqual(['c1']);
		expect(general.items[0]).toMatchObject({ pending: true, text: 'hello', own: true });
		setOnline(true);
		store.connected(false);
		expect(sent).toEqual([{ type: 'message', room: 'general', content: 'hello', client_id: 'c1' }]);
	});

	it('a new page of the same account shows and resends what the last one left', () => {
		const first = harness({ online: false });
		first.store.sendText(first.store.direct(2, 'bob'), 'later');
		const next = harness({ stored: first.storage.load() });
		const dm = next.store.direct(2);
		expect(next.store.outboxSize).toBe(1);
		expect(dm.items.map((x) => [x.text, x.pending])).toEqual([['later', true]]);
		next.store.connected(false);
		expect(next.sent).toEqual([
			{ type: 'private_message', to_id: 2, content: 'later', client_id: 'c1' }
		]);
	});
});
