import { describe, expect, it } from 'vitest';
import { changeEvent, historyPage, toWire, type ChangeRecord, type MessageRecord } from './wire';

/** The version 2 fields of a message never edited, reacted to or replied to (PROTOCOL.md §10). */
const V2 = { seq: 42, edited_at: null, reactions: [], mentions: [], reply_count: 0 };

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
	editedAt: null,
	mentions: [],
	reactions: [],
	replyTo: null,
	thread: null,
	replyCount: 0,
	lastReplyAt: null,
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
			timestamp: 1764100000,
			...V2
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
			timestamp: 1764100000,
			...V2
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
			timestamp: 1764100000,
			...V2
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
		expect('reply_to' in guest || 'thread' in guest || 'last_reply_at' in guest).toBe(false);

		const admin = toWire(record({ senderIsAdmin: true, clientId: 'c-1' }));
		expect(admin.from_is_admin).toBe(true);
		expect(admin.client_id).toBe('c-1');
	});
});

describe('toWire, version 2', () => {
	it('carries reactions, a reply quote, the thread summary and a root’s counts', () => {
		const m = toWire(
			record({
				editedAt: 1764100100,
				mentions: [9],
				reactions: [{ emoji: '👍', count: 2, userIds: [9, 7] }],
				replyTo: { id: 40, fromId: 9, fromName: 'Bob', excerpt: 'hi' },
				thread: { rootId: 40, replyCount: 3, lastReplyAt: 1764100000 },
				replyCount: 0
			})
		);
		expect(m).toMatchObject({
			edited_at: 1764100100,
			mentions: [9],
			reactions: [{ emoji: '👍', count: 2, user_ids: [9, 7] }],
			reply_to: { id: 40, from_id: 9, from_name: 'Bob', excerpt: 'hi' },
			thread: { root_id: 40, reply_count: 3, last_reply_at: 1764100000 }
		});
		const gone = toWire(record({ replyTo: { id: 40, deleted: true } }));
		expect(gone.reply_to).toStrictEqual({ id: 40, deleted: true });
		const root = toWire(record({ replyCount: 2, lastReplyAt: 1764100500 }));
		expect([root.reply_count, root.last_reply_at]).toEqual([2, 1764100500]);
	});
});

describe('changeEvent', () => {
	const change = (extra: Partial<ChangeRecord>): ChangeRecord => ({
		seq: 50,
		kind: 'reaction',
		messageId: 42,
		roomId: null,
		room: null,
		partyA: 7,
		partyB: 9,
		actorId: 9,
		actorName: 'Bob',
		createdAt: 1764100200,
		...extra
	});

	it('names the other participant of a DM as `with`, for each viewer', () => {
		const c = change({ emoji: '🎉', on: true, count: 1 });
		expect(changeEvent(c, 7).content).toMatchObject({ with: 9, emoji: '🎉', count: 1, seq: 50 });
		expect(changeEvent(c, 9).content).toMatchObject({ with: 7 });
		expect(changeEvent(c, 9)).toMatchObject({ type: 'reaction', from_id: 9, seq: 50 });
	});

	it('an edit carries the text and its time; a deletion of a reply the thread', () => {
		const room = { roomId: 1, room: 'general', partyA: null, partyB: null };
		const edit = changeEvent(change({ kind: 'edit', body: 'new', mentions: [], ...room }), 0);
		expect(edit).toMatchObject({
			type: 'message_edited',
			content: { message_id: 42, room: 'general', content: 'new', edited_at: 1764100200 }
		});
		const del = changeEvent(
			change({ kind: 'delete', thread: { rootId: 40, replyCount: 0, lastReplyAt: null }, ...room }),
			0
		);
		expect(del.content).toStrictEqual({
			message_id: 42,
			room: 'general',
			seq: 50,
			thread: { root_id: 40, reply_count: 0 }
		});
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
