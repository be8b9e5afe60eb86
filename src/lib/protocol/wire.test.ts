import { describe, expect, it } from 'vitest';
import { historyPage, toWire, type MessageRecord } from './wire';

const record = (extra: Partial<MessageRecord> = {}): MessageRecord => ({
	id: 42,
	roomId: 1,
	room: 'general',
	senderId: 7,
	senderName: 'Alice',
	senderUsername: 'alice',
	senderIsAdmin: false,
	recipientId: null,
	recipientName: null,
	kind: 'text',
	body: 'hello',
	clientId: null,
	createdAt: 1764100000,
	...extra
});

/** A DM from 7 (alice) to 9 (bob). */
const dm = (extra: Partial<MessageRecord> = {}) =>
	record({ roomId: null, room: null, recipientId: 9, recipientName: 'Bob', ...extra });

describe('toWire', () => {
	it('a room message looks the same to every viewer, and to none', () => {
		const wire = {
			type: 'message',
			id: 42,
			room: 'general',
			from_id: 7,
			from_name: 'Alice',
			from_username: 'alice',
			content: 'hello',
			timestamp: 1764100000
		};
		expect(toWire(record())).toStrictEqual(wire);
		expect(toWire(record(), 7)).toStrictEqual(wire);
		expect(toWire(record(), 9)).toStrictEqual(wire);
	});

	it('an image carries its url as {url}', () => {
		const m = toWire(record({ kind: 'image', body: 'https://example.com/a.png' }));
		expect(m.type).toBe('image');
		expect(m.content).toStrictEqual({ url: 'https://example.com/a.png' });
	});

	it('a DM is private_message_sent with to_name to its sender', () => {
		expect(toWire(dm(), 7)).toStrictEqual({
			type: 'private_message_sent',
			id: 42,
			to_id: 9,
			to_name: 'Bob',
			from_id: 7,
			from_name: 'Alice',
			from_username: 'alice',
			content: 'hello',
			timestamp: 1764100000
		});
	});

	it('a DM is private_message without to_name to its recipient (and with no viewer)', () => {
		const wire = {
			type: 'private_message',
			id: 42,
			to_id: 9,
			from_id: 7,
			from_name: 'Alice',
			from_username: 'alice',
			content: 'hello',
			timestamp: 1764100000
		};
		expect(toWire(dm(), 9)).toStrictEqual(wire);
		expect(toWire(dm())).toStrictEqual(wire);
	});

	it('a DM to oneself is private_message_sent', () => {
		const m = toWire(dm({ recipientId: 7, recipientName: 'Alice' }), 7);
		expect(m.type).toBe('private_message_sent');
		expect(m.to_name).toBe('Alice');
	});

	it('a recipient whose account is gone: to_name is empty, never null', () => {
		expect(toWire(dm({ recipientName: null }), 7).to_name).toBe('');
	});

	it('optional fields are present only when they hold something', () => {
		const guest = toWire(record({ senderUsername: null }));
		expect('from_username' in guest).toBe(false);
		expect('from_is_admin' in guest).toBe(false);
		expect('client_id' in guest).toBe(false);
		expect(JSON.stringify(guest)).not.toContain('null');

		const admin = toWire(record({ senderIsAdmin: true, clientId: 'c-1' }));
		expect(admin.from_is_admin).toBe(true);
		expect(admin.client_id).toBe('c-1');
	});
});

describe('historyPage', () => {
	it('encodes every record for the viewer, in order, with has_more', () => {
		const page = historyPage([record({ id: 1 }), dm({ id: 2 })], true, 9);
		expect(page.has_more).toBe(true);
		expect(page.messages.map((m) => [m.id, m.type])).toEqual([
			[1, 'message'],
			[2, 'private_message']
		]);
		expect(historyPage([], false, 9)).toStrictEqual({ messages: [], has_more: false });
	});
});
