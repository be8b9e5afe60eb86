import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, userClient } from '../helpers/client';
import { FAST, nextError, received, sendAck, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
	server = await startServer(FAST);
});
afterAll(() => server?.dispose());

type Summary = {
	name: string;
	topic: string;
	members: number;
	unread: number;
	last_message_id: number | null;
	joined: boolean;
};
let roomCounter = 0;
const roomName = () => `room-${Date.now().toString(36).slice(-4)}_${++roomCounter}`;

describe('get_rooms', () => {
	it('answers rooms: summaries {name, topic, members, unread, last_message_id}', async () => {
		const a = await userClient(server, uniq('gr'));
		const m = await sendAck(a.client, { type: 'message', content: 'x' });
		a.client.send({ type: 'get_rooms' });
		const rooms = (await a.client.next('rooms')).content as Summary[];
		const general = rooms.find((r) => r.name === 'general')!;
		expect(Object.keys(general).sort()).toEqual(
			// `mentions`: version 2 (PROTOCOL.md §10).
			['joined', 'last_message_id', 'members', 'mentions', 'name', 'topic', 'unread'].sort()
		);
		expect(general).toMatchObject({ joined: true, unread: 0 });
		expect(general.last_message_id).toBeGreaterThanOrEqual(m.id);
		expect(general.members).toBeGreaterThanOrEqual(1);
		// The same summaries over HTTP.
		const res = await fetch(`${server.url}/api/rooms`, { headers: { cookie: a.cookie } });
		expect(res.status).toBe(200);
		expect((await res.json()).find((r: Summary) => r.name === 'general')).toMatchObject({
			joined: true
		});
		expect((await fetch(`${server.url}/api/rooms`)).status).toBe(401);
		await a.client.close();
	});
});

describe('create_room', () => {
	it('creates the room, the creator joins, everyone gets room_created', async () => {
		const a = await userClient(server, uniq('cra'));
		const b = await userClient(server, uniq('crb'));
		const name = roomName();
		a.client.send({ type: 'create_room', name, topic: 'all about it' });
		const joined = await a.client.next('room_joined');
		expect(joined.content).toMatchObject({
			room: name,
			history: { messages: [], has_more: false }
		});
		const created = await b.client.next('room_created');
		expect(created.content).toMatchObject({ name, topic: 'all about it' });
		expect(created.from_id).toBe(a.user.id);
		expect((await received(a.client, (e) => e.type === 'room_created')).content.name).toBe(name);
		// The creator can post there right away; b (not a member) does not get it.
		const m = await sendAck(a.client, { type: 'message', room: name, content: 'first' });
		expect(m.room).toBe(name);
		a.client.send({ type: 'get_rooms' });
		const mine = ((await a.client.next('rooms')).content as Summary[]).find(
			(r) => r.name === name
		)!;
		expect(mine).toMatchObject({
			topic: 'all about it',
			members: 1,
			joined: true,
			last_message_id: m.id
		});
		b.client.send({ type: 'get_rooms' });
		const theirs = ((await b.client.next('rooms')).content as Summary[]).find(
			(r) => r.name === name
		)!;
		expect(theirs).toMatchObject({ joined: false, unread: 0 });
		expect(b.client.events.some((e) => e.id === m.id)).toBe(false);
		await Promise.all([a.client.close(), b.client.close()]);
	});

	it.each(['', 'UPPER', 'with space', 'x'.repeat(33), 'ünï', 'a.b'])(
		'refuses the name %j with invalid_message',
		async (name) => {
			const a = await userClient(server, uniq('crbad'));
			a.client.send({ type: 'create_room', name });
			expect((await nextError(a.client)).code).toBe('invalid_message');
			await a.client.close();
		}
	);

	it('accepts 32 characters of a-z 0-9 - _ and refuses a name that exists', async () => {
		const a = await userClient(server, uniq('crok'));
		const name = `a-_9${Date.now().toString(36)}`.padEnd(32, 'z');
		a.client.send({ type: 'create_room', name });
		expect((await a.client.next('room_joined')).content.room).toBe(name);
		a.client.send({ type: 'create_room', name });
		expect((await nextError(a.client)).code).toBe('invalid_message');
		await a.client.close();
	});
});

describe('join_room and leave_room', () => {
	it('join: room_joined with history, the room gets member_joined; leave: room_left and member_left', async () => {
		const a = await userClient(server, uniq('jla'));
		const b = await userClient(server, uniq('jlb'));
		const bTab2 = await connect(server, { cookie: b.cookie });
		const name = roomName();
		a.client.send({ type: 'create_room', name });
		await a.client.next('room_joined');
		const posted = await sendAck(a.client, { type: 'message', room: name, content: 'before b' });

		b.client.send({ type: 'join_room', room: name });
		const joined = await b.client.next('room_joined');
		expect(joined.content.room).toBe(name);
		expect(joined.content.history.has_more).toBe(false);
		expect(joined.content.history.messages.map((m: { id: number }) => m.id)).toEqual([posted.id]);
		expect(await a.client.next('member_joined')).toMatchObject({
			from_id: b.user.id,
			content: { room: name, user_id: b.user.id, user_name: b.user.name }
		});
		// Both of b's tabs now hear the room.
		const live = await sendAck(a.client, { type: 'message', room: name, content: 'hello b' });
		await b.client.next((e) => e.id === live.id);
		await bTab2.next((e) => e.id === live.id);

		b.client.send({ type: 'leave_room', room: name });
		expect((await b.client.next('room_left')).content).toEqual({ room: name });
		expect((await bTab2.next('room_left')).content).toEqual({ room: name });
		expect(await a.client.next('member_left')).toMatchObject({
			content: { room: name, user_id: b.user.id, user_name: b.user.name }
		});
		// Gone from the room: b's tabs get no more of it, and b may not post there.
		const after = await sendAck(a.client, { type: 'message', room: name, content: 'bye' });
		b.client.send({ type: 'message', room: name, content: 'let me in' });
		expect((await nextError(b.client)).code).toBe('forbidden');
		const general = await sendAck(a.client, { type: 'message', content: 'in general' });
		await bTab2.next((e) => e.id === general.id);
		expect(b.client.events.some((e) => e.id === after.id)).toBe(false);
		expect(bTab2.events.some((e) => e.id === after.id)).toBe(false);
		await Promise.all([a.client.close(), b.client.close(), bTab2.close()]);
	});

	it('joining a room one is already in answers room_joined and announces nothing', async () => {
		const a = await userClient(server, uniq('rj'));
		const b = await userClient(server, uniq('rjb'));
		a.client.send({ type: 'join_room', room: 'general' });
		const joined = await a.client.next('room_joined');
		expect(joined.content.room).toBe('general');
		expect(joined.content.history.messages.length).toBeLessThanOrEqual(50);
		const fence = await sendAck(a.client, { type: 'message', content: 'fence' });
		await b.client.next((e) => e.id === fence.id);
		// (b's own first connection is announced in general: that one is about b, not a.)
		expect(b.client.all('member_joined').filter((e) => e.content.user_id === a.user.id)).toEqual(
			[]
		);
		await Promise.all([a.client.close(), b.client.close()]);
	});

	it('cannot leave general (forbidden); unknown rooms are not_found', async () => {
		const a = await userClient(server, uniq('lg'));
		a.client.send({ type: 'leave_room', room: 'general' });
		expect((await nextError(a.client)).code).toBe('forbidden');
		a.client.send({ type: 'join_room', room: 'no-such-room' });
		expect((await nextError(a.client)).code).toBe('not_found');
		a.client.send({ type: 'message', room: 'no-such-room', content: 'hi' });
		expect((await nextError(a.client)).code).toBe('not_found');
		a.client.send({ type: 'leave_room', room: 'no-such-room' });
		expect((await nextError(a.client)).code).toBe('not_found');
		await a.client.close();
	});

	it('refuses posting to a room the user is not in with forbidden', async () => {
		const a = await userClient(server, uniq('pfa'));
		const b = await userClient(server, uniq('pfb'));
		const name = roomName();
		a.client.send({ type: 'create_room', name });
		await a.client.next('room_joined');
		b.client.send({ type: 'message', room: name, content: 'sneaky' });
		expect((await nextError(b.client)).code).toBe('forbidden');
		b.client.send({ type: 'image', room: name, url: 'https://example.com/x.png' });
		expect((await nextError(b.client)).code).toBe('forbidden');
		await Promise.all([a.client.close(), b.client.close()]);
	});

	it('keeps an account’s memberships: after reconnecting it is still subscribed', async () => {
		const a = await userClient(server, uniq('pma'));
		const b = await userClient(server, uniq('pmb'));
		const name = roomName();
		a.client.send({ type: 'create_room', name });
		await a.client.next('room_joined');
		await a.client.close();
		const again = await connect(server, { cookie: a.cookie });
		const welcome = again.events.find((e) => e.type === 'welcome')!;
		expect(welcome.content.rooms.find((r: Summary) => r.name === name)).toMatchObject({
			joined: true,
			members: 1
		});
		b.client.send({ type: 'join_room', room: name });
		await b.client.next('room_joined');
		const m = await sendAck(b.client, { type: 'message', room: name, content: 'still there?' });
		expect((await again.next((e) => e.id === m.id)).content).toBe('still there?');
		await Promise.all([again.close(), b.client.close()]);
	});
});

describe('unread counts', () => {
	it('count others’ messages since the read marker and fall after read', async () => {
		const a = await userClient(server, uniq('una'));
		const b = await userClient(server, uniq('unb'));
		const name = roomName();
		a.client.send({ type: 'create_room', name });
		await a.client.next('room_joined');
		b.client.send({ type: 'join_room', room: name });
		await b.client.next('room_joined');
		const ids: number[] = [];
		for (let i = 0; i < 3; i++)
			ids.push((await sendAck(a.client, { type: 'message', room: name, content: `u${i}` })).id);
		await received(b.client, (e) => e.id === ids[2]);
		const unreadOf = async (c: typeof b.client) => {
			c.send({ type: 'get_rooms' });
			return ((await c.next('rooms')).content as Summary[]).find((r) => r.name === name)!.unread;
		};
		expect(await unreadOf(b.client)).toBe(3);
		expect(await unreadOf(a.client)).toBe(0); // one's own messages are never unread
		b.client.send({ type: 'read', message_id: ids[1] });
		expect(await unreadOf(b.client)).toBe(1);
		b.client.send({ type: 'read', message_id: ids[2] });
		expect(await unreadOf(b.client)).toBe(0);
		await Promise.all([a.client.close(), b.client.close()]);
	});

	it('stop at 999', async () => {
		const a = await userClient(server, uniq('cap'));
		const b = await userClient(server, uniq('capb'));
		const name = roomName();
		a.client.send({ type: 'create_room', name });
		await a.client.next('room_joined');
		b.client.send({ type: 'join_room', room: name });
		await b.client.next('room_joined');
		for (let i = 0; i < 1001; i++)
			a.client.send({ type: 'message', room: name, content: `n${i}`, client_id: `cap-${i}` });
		await a.client.next((e) => e.client_id === 'cap-1000');
		b.client.send({ type: 'get_rooms' });
		const mine = ((await b.client.next('rooms')).content as Summary[]).find(
			(r) => r.name === name
		)!;
		expect(mine.unread).toBe(999);
		await Promise.all([a.client.close(), b.client.close()]);
	});
});
