import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, userClient, type Event, type TestClient } from '../helpers/client';
import { FAST, nextError, received, sendAck, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

// PROTOCOL.md §10 over WebSocket: edit, delete, react, replies, threads, mentions.

let server: TestServer;
let admin: Awaited<ReturnType<typeof userClient>>;
beforeAll(async () => {
	server = await startServer(FAST);
	admin = await userClient(server, uniq('boss')); // the first account is the admin
});
afterAll(() => server?.dispose());

/** A private room of two members (created by `a`, joined by `b`). */
async function roomOf(a: TestClient, b: TestClient): Promise<string> {
	const name = uniq('ch').toLowerCase();
	a.send({ type: 'create_room', name });
	await a.next('room_joined');
	b.send({ type: 'join_room', room: name });
	await b.next('room_joined');
	return name;
}

const byType = (type: string, messageId: number) => (e: Event) =>
	e.type === type && e.content?.message_id === messageId;

describe('message objects carry the v2 fields', () => {
	it('seq = id, edited_at null, no reactions, no replies, no mentions', async () => {
		const a = await userClient(server, uniq('mo'));
		const m = await sendAck(a.client, { type: 'message', content: 'plain' });
		expect(m.seq).toBe(m.id);
		expect(m.edited_at).toBeNull();
		expect(m.reactions).toEqual([]);
		expect(m.reply_count).toBe(0);
		expect(m.mentions).toEqual([]);
		expect(m.reply_to).toBeUndefined();
		await a.client.close();
	});
});

describe('edit_message', () => {
	it('the author edits; everyone who can see it gets message_edited; history shows the new text', async () => {
		const a = await userClient(server, uniq('ea'));
		const b = await userClient(server, uniq('eb'));
		const room = await roomOf(a.client, b.client);
		const outsider = await userClient(server, uniq('eo'));
		const m = await sendAck(a.client, { type: 'message', room, content: 'teh typo' });
		await received(b.client, (e) => e.id === m.id);

		a.client.send({ type: 'edit_message', message_id: m.id, content: 'the typo' });
		const seen = await b.client.next(byType('message_edited', m.id));
		expect(seen.content).toEqual({
			message_id: m.id,
			room,
			content: 'the typo',
			edited_at: expect.any(Number),
			seq: expect.any(Number),
			mentions: []
		});
		expect(seen.content.seq).toBeGreaterThan(m.id);
		expect(seen.from_id).toBe(a.user.id);
		const echo = await a.client.next(byType('message_edited', m.id));
		expect(echo.content.seq).toBe(seen.content.seq);

		b.client.send({ type: 'get_history', room });
		const page = await b.client.next('history');
		const stored = page.content.messages.find((x: Event) => x.id === m.id);
		expect(stored.content).toBe('the typo');
		expect(stored.edited_at).toBe(seen.content.edited_at);

		// Someone who cannot see the room never hears of it (fan-out is in publish order, so
		// the outsider's own echo comes after anything the edit would have sent it).
		await sendAck(outsider.client, { type: 'message', content: 'fence' });
		expect(outsider.client.all('message_edited')).toEqual([]);
		await Promise.all([a.client.close(), b.client.close(), outsider.client.close()]);
	});

	it('refuses other people, images, bad content, unknown ids and the muted', async () => {
		const a = await userClient(server, uniq('ra'));
		const b = await userClient(server, uniq('rb'));
		const m = await sendAck(a.client, { type: 'message', content: 'mine' });
		const img = await sendAck(a.client, { type: 'image', url: 'https://example.com/x.png' });

		b.client.send({ type: 'edit_message', message_id: m.id, content: 'yours now' });
		expect((await nextError(b.client)).code).toBe('forbidden');
		a.client.send({ type: 'edit_message', message_id: img.id, content: 'text' });
		expect((await nextError(a.client)).code).toBe('forbidden');
		a.client.send({ type: 'edit_message', message_id: m.id, content: '   ' });
		expect((await nextError(a.client)).code).toBe('empty');
		a.client.send({ type: 'edit_message', message_id: m.id, content: 'x'.repeat(5000) });
		expect((await nextError(a.client)).code).toBe('too_large');
		a.client.send({ type: 'edit_message', message_id: 999_999_999, content: 'nope' });
		expect((await nextError(a.client)).code).toBe('not_found');

		admin.client.send({ type: 'mute', target_id: a.user.id, duration_seconds: 60 });
		await a.client.next('muted');
		a.client.send({ type: 'edit_message', message_id: m.id, content: 'while muted' });
		expect((await nextError(a.client)).code).toBe('muted');
		admin.client.send({ type: 'unmute', target_id: a.user.id });
		await a.client.next('unmuted');
		await Promise.all([a.client.close(), b.client.close()]);
	});
});

describe('delete_message', () => {
	it('the author deletes: everyone gets message_deleted, history and receipts forget it', async () => {
		const a = await userClient(server, uniq('da'));
		const b = await userClient(server, uniq('db'));
		const m = await sendAck(a.client, { type: 'message', content: 'oops, secret' });
		await received(b.client, (e) => e.id === m.id);
		b.client.send({ type: 'react', message_id: m.id, emoji: '👍' });
		await a.client.next(byType('reaction', m.id));

		a.client.send({ type: 'delete_message', message_id: m.id });
		const gone = await b.client.next(byType('message_deleted', m.id));
		expect(gone.content).toEqual({ message_id: m.id, room: 'general', seq: expect.any(Number) });
		expect(gone.from_id).toBe(a.user.id);

		b.client.send({ type: 'get_history', room: 'general' });
		const page = await b.client.next('history');
		expect(page.content.messages.some((x: Event) => x.id === m.id)).toBe(false);
		b.client.send({ type: 'get_receipts', message_id: m.id });
		expect((await nextError(b.client)).code).toBe('not_found');
		b.client.send({ type: 'react', message_id: m.id, emoji: '👍' });
		expect((await nextError(b.client)).code).toBe('not_found');
		a.client.send({ type: 'edit_message', message_id: m.id, content: 'back?' });
		expect((await nextError(a.client)).code).toBe('not_found');
		await Promise.all([a.client.close(), b.client.close()]);
	});

	it('others may not; an admin may, and it is audited as delete_message against the author', async () => {
		const a = await userClient(server, uniq('dx'));
		const b = await userClient(server, uniq('dy'));
		const m = await sendAck(a.client, { type: 'message', content: 'rude words' });
		b.client.send({ type: 'delete_message', message_id: m.id });
		expect((await nextError(b.client)).code).toBe('forbidden');

		admin.client.send({ type: 'delete_message', message_id: m.id });
		await b.client.next(byType('message_deleted', m.id));
		const res = await fetch(`${server.url}/api/admin/audit?limit=5`, {
			headers: { cookie: admin.cookie, origin: server.url }
		});
		const entries = (await res.json()) as { action: string; target_id: number }[];
		expect(entries[0]).toMatchObject({ action: 'delete_message', target_id: a.user.id });
		await Promise.all([a.client.close(), b.client.close()]);
	});
});

describe('react', () => {
	it('toggles, is idempotent, aggregates in order of first use, and shows in history', async () => {
		const a = await userClient(server, uniq('xa'));
		const b = await userClient(server, uniq('xb'));
		const m = await sendAck(a.client, { type: 'message', content: 'react to me' });

		b.client.send({ type: 'react', message_id: m.id, emoji: '🎉' });
		const first = await a.client.next(byType('reaction', m.id));
		await b.client.next(byType('reaction', m.id)); // its own, like everyone's
		expect(first.content).toEqual({
			message_id: m.id,
			room: 'general',
			emoji: '🎉',
			user_id: b.user.id,
			user_name: b.user.name,
			on: true,
			count: 1,
			seq: expect.any(Number)
		});
		// Holding it already: nothing happens, nothing is sent.
		b.client.send({ type: 'react', message_id: m.id, emoji: '🎉', on: true });
		// A family ZWJ sequence and a skin tone are one emoji each.
		a.client.send({ type: 'react', message_id: m.id, emoji: '👍🏽' });
		const second = await b.client.next(byType('reaction', m.id));
		expect(second.content).toMatchObject({ emoji: '👍🏽', user_id: a.user.id, count: 1 });
		a.client.send({ type: 'react', message_id: m.id, emoji: '👨‍👩‍👧' });
		await b.client.next(byType('reaction', m.id));
		a.client.send({ type: 'react', message_id: m.id, emoji: '🎉' });
		expect((await b.client.next(byType('reaction', m.id))).content.count).toBe(2);
		a.client.send({ type: 'react', message_id: m.id, emoji: '👨‍👩‍👧', on: false });
		expect((await b.client.next(byType('reaction', m.id))).content).toMatchObject({
			on: false,
			count: 0
		});

		b.client.send({ type: 'get_history', room: 'general' });
		const stored = (await b.client.next('history')).content.messages.find(
			(x: Event) => x.id === m.id
		);
		expect(stored.reactions).toEqual([
			{ emoji: '🎉', count: 2, user_ids: [b.user.id, a.user.id] },
			{ emoji: '👍🏽', count: 1, user_ids: [a.user.id] }
		]);
		await Promise.all([a.client.close(), b.client.close()]);
	});

	it('refuses what is not one emoji, a 21st emoji, unknown messages and the muted', async () => {
		const a = await userClient(server, uniq('ya'));
		const m = await sendAck(a.client, { type: 'message', content: 'limits' });
		for (const emoji of ['ab', '👍👍', '', 'x', '<b>', '👍'.repeat(9)]) {
			a.client.send({ type: 'react', message_id: m.id, emoji });
			expect((await nextError(a.client)).code, emoji).toBe('invalid_message');
		}
		const twenty = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂'];
		for (const emoji of twenty) {
			a.client.send({ type: 'react', message_id: m.id, emoji });
			await a.client.next(byType('reaction', m.id));
		}
		a.client.send({ type: 'react', message_id: m.id, emoji: '🤗' });
		expect((await nextError(a.client)).code).toBe('invalid_message');
		a.client.send({ type: 'react', message_id: 999_999_999, emoji: '👍' });
		expect((await nextError(a.client)).code).toBe('not_found');

		admin.client.send({ type: 'mute', target_id: a.user.id, duration_seconds: 60 });
		await a.client.next('muted');
		a.client.send({ type: 'react', message_id: m.id, emoji: '😀', on: false });
		expect((await nextError(a.client)).code).toBe('muted');
		admin.client.send({ type: 'unmute', target_id: a.user.id });
		await a.client.next('unmuted');
		await a.client.close();
	});
});

describe('replies and threads', () => {
	it('a reply is in the stream with reply_to; the root counts its thread; get_thread pages it', async () => {
		const a = await userClient(server, uniq('ta'));
		const b = await userClient(server, uniq('tb'));
		const room = await roomOf(a.client, b.client);
		const root = await sendAck(a.client, { type: 'message', room, content: 'x'.repeat(150) });
		const r1 = await sendAck(b.client, {
			type: 'message',
			room,
			content: 'one',
			reply_to: root.id
		});
		expect(r1.reply_to).toEqual({
			id: root.id,
			from_id: a.user.id,
			from_name: a.user.name,
			excerpt: 'x'.repeat(100)
		});
		expect(r1.thread).toEqual({ root_id: root.id, reply_count: 1, last_reply_at: r1.timestamp });
		// A reply to a reply belongs to the same thread.
		const r2 = await sendAck(a.client, { type: 'message', room, content: 'two', reply_to: r1.id });
		expect(r2.thread).toMatchObject({ root_id: root.id, reply_count: 2 });

		b.client.send({ type: 'get_history', room });
		const history = (await b.client.next('history')).content.messages as Event[];
		const stored = history.find((x) => x.id === root.id)!;
		expect(stored.reply_count).toBe(2);
		expect(stored.last_reply_at).toBe(r2.timestamp);
		expect(history.map((x) => x.id)).toEqual(expect.arrayContaining([r1.id, r2.id]));

		b.client.send({ type: 'get_thread', message_id: root.id, limit: 1 });
		const page = (await b.client.next('thread')).content;
		expect(page.root.id).toBe(root.id);
		expect(page.messages.map((x: Event) => x.id)).toEqual([r2.id]);
		expect(page.has_more).toBe(true);
		b.client.send({ type: 'get_thread', message_id: r2.id, before: r2.id });
		const older = (await b.client.next('thread')).content;
		expect(older.root.id).toBe(root.id);
		expect(older.messages.map((x: Event) => x.id)).toEqual([r1.id]);
		expect(older.has_more).toBe(false);

		// Deleting a reply updates the thread; a deleted parent leaves {id, deleted: true}.
		a.client.send({ type: 'delete_message', message_id: r2.id });
		const gone = await b.client.next(byType('message_deleted', r2.id));
		expect(gone.content.thread).toEqual({
			root_id: root.id,
			reply_count: 1,
			last_reply_at: r1.timestamp
		});
		b.client.send({ type: 'delete_message', message_id: r1.id });
		await a.client.next(byType('message_deleted', r1.id));
		const r3 = await sendAck(b.client, {
			type: 'message',
			room,
			content: 'three',
			reply_to: root.id
		});
		a.client.send({ type: 'delete_message', message_id: root.id });
		await b.client.next(byType('message_deleted', root.id));
		b.client.send({ type: 'get_history', room });
		const after = (await b.client.next('history')).content.messages as Event[];
		expect(after.find((x) => x.id === r3.id)!.reply_to).toEqual({ id: root.id, deleted: true });
		await Promise.all([a.client.close(), b.client.close()]);
	});

	it('reply_to must be in the same room or conversation', async () => {
		const a = await userClient(server, uniq('ua'));
		const b = await userClient(server, uniq('ub'));
		const room = await roomOf(a.client, b.client);
		const elsewhere = await sendAck(a.client, { type: 'message', content: 'in general' });
		a.client.send({ type: 'message', room, content: 'x', reply_to: elsewhere.id, client_id: 'r1' });
		const err = await a.client.next('error');
		expect(err.content.code).toBe('not_found');
		expect(err.content.client_id).toBe('r1');
		const dm = await sendAck(a.client, {
			type: 'private_message',
			to_id: b.user.id,
			content: 'hi'
		});
		const answer = await sendAck(b.client, {
			type: 'private_message',
			to_id: a.user.id,
			content: 'hello',
			reply_to: dm.id
		});
		expect(answer.reply_to).toMatchObject({ id: dm.id, excerpt: 'hi' });
		a.client.send({ type: 'get_thread', message_id: 999_999_999 });
		expect((await nextError(a.client)).code).toBe('not_found');
		await Promise.all([a.client.close(), b.client.close()]);
	});
});

describe('DMs', () => {
	it('changes carry `with` = the other participant as each receiver sees it', async () => {
		const a = await userClient(server, uniq('wa'));
		const b = await userClient(server, uniq('wb'));
		const dm = await sendAck(a.client, {
			type: 'private_message',
			to_id: b.user.id,
			content: 'hey'
		});
		await received(b.client, (e) => e.id === dm.id);
		a.client.send({ type: 'edit_message', message_id: dm.id, content: 'hey there' });
		expect((await b.client.next(byType('message_edited', dm.id))).content.with).toBe(a.user.id);
		expect((await a.client.next(byType('message_edited', dm.id))).content.with).toBe(b.user.id);
		b.client.send({ type: 'react', message_id: dm.id, emoji: '❤️' });
		expect((await a.client.next(byType('reaction', dm.id))).content.with).toBe(b.user.id);
		// Nobody else can touch it.
		const c = await userClient(server, uniq('wc'));
		c.client.send({ type: 'react', message_id: dm.id, emoji: '👍' });
		expect((await nextError(c.client)).code).toBe('not_found');
		await Promise.all([a.client.close(), b.client.close(), c.client.close()]);
	});
});

describe('mentions', () => {
	it('@username names accounts that can see the message; summaries count unread mentions', async () => {
		const a = await userClient(server, uniq('ma'));
		const b = await userClient(server, uniq('mb'));
		const c = await userClient(server, uniq('mc'));
		const room = await roomOf(a.client, b.client);
		const m = await sendAck(a.client, {
			type: 'message',
			room,
			content: `hey @${b.user.username.toUpperCase()} and @${c.user.username}, @nobody_here`
		});
		// c is not in the room: not mentioned.
		expect(m.mentions).toEqual([b.user.id]);
		const again = await sendAck(a.client, {
			type: 'message',
			room,
			content: `again @${b.user.username}`
		});

		const back = await connect(server, { cookie: b.cookie });
		const welcome = back.all('welcome')[0];
		const summary = welcome.content.rooms.find((r: { name: string }) => r.name === room);
		expect(summary.mentions).toBe(2);
		b.client.send({ type: 'read', message_id: again.id });
		b.client.send({ type: 'get_rooms' });
		const rooms = (await b.client.next('rooms')).content;
		expect(rooms.find((r: { name: string }) => r.name === room).mentions).toBe(0);
		await Promise.all([a.client.close(), b.client.close(), c.client.close(), back.close()]);
	});
});
