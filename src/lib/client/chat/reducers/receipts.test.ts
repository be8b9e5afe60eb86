import { describe, expect, it } from 'vitest';
import { harness } from '../testing';
import { receiptReducers } from './receipts';

describe('receipt reducers', () => {
	it('room readers only move forwards; DM reads move the peer position', () => {
		const { store, apply } = harness();
		const general = store.room('general');
		const dm = store.direct(2, 'bob');
		apply(receiptReducers, 'message_read', {
			room: 'general',
			message_id: 9,
			read_by: 2,
			read_by_name: 'bob'
		});
		apply(receiptReducers, 'message_read', {
			room: 'general',
			message_id: 5,
			read_by: 2,
			read_by_name: 'bob'
		});
		expect(general.readers.get(2)).toEqual({ name: 'bob', readId: 9 });
		apply(receiptReducers, 'message_read', { with: 2, message_id: 12 });
		apply(receiptReducers, 'message_read', { with: 2, message_id: 11 });
		expect(dm.peerReadId).toBe(12);
	});

	it('an answer to get_receipts lands in the conversation that asked, once', () => {
		const { store, apply, sent } = harness();
		const general = store.room('general');
		store.requestReceipts(general, 20);
		expect(sent.at(-1)).toEqual({ type: 'get_receipts', message_id: 20 });
		const answer = { message_id: 20, read_by: [{ user_id: 3, name: 'carol' }] };
		apply(receiptReducers, 'receipts', answer);
		expect(general.readers.get(3)).toEqual({ name: 'carol', readId: 20 });
		general.readers.clear();
		// Not asked (any more): ignored.
		apply(receiptReducers, 'receipts', answer);
		expect(general.readers.size).toBe(0);
	});

	it('in a DM, an answer moves the peer position', () => {
		const { store, apply } = harness();
		const dm = store.direct(2, 'bob');
		store.requestReceipts(dm, 30);
		apply(receiptReducers, 'receipts', { message_id: 30, read_by: [{ user_id: 2, name: 'bob' }] });
		expect(dm.peerReadId).toBe(30);
	});
});
