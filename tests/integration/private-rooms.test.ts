import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type TestClient } from '../helpers/client';
import { nextError, sendAck, uniq } from '../helpers/chat';
import { download, upload } from '../helpers/files';
import { startRoomCast, type Account, type RoomCast } from '../helpers/room-cast';
import type { TestServer } from '../helpers/server';

// Issue 15: a private room's content never reaches a non-member, path by path — room lists,
// joining, history (socket and HTTP), sending, search, resume, typing, receipts, files — and
// a removed member's open connections stop receiving at once.

let server: TestServer;
let admin: Account, owner: Account, member: Account, outsider: Account;
let api: RoomCast['api'];

beforeAll(async () => {
	({ server, admin, owner, member, outsider, api } = await startRoomCast());
});
afterAll(() => server?.dispose());

/** A private room of `owner`'s with `member` invited; everyone's clients connected. */
async function privateRoom() {
	const room = uniq('secret').toLowerCase();
	const [o, m, x] = await Promise.all(
		[owner, member, outsider].map((a) => connect(server, { cookie: a.cookie }))
	);
	o.send({ type: 'create_room', name: room, private: true });
	const joined = await o.next('room_joined');
	expect(joined.content).toMatchObject({ room, private: true });
	o.send({ type: 'invite', room, user_id: member.user.id });
	const invited = await m.next((e) => e.type === 'room_joined' && e.content.room === room);
	expect(invited.content).toMatchObject({
		private: true,
		invited_by: { id: owner.user.id }
	});
	await o.next((e) => e.type === 'member_joined' && e.content.user_id === member.user.id);
	return { room, o, m, x };
}

const closeAll = (...clients: TestClient[]) => Promise.all(clients.map((c) => c.close()));

describe('a private room', () => {
	it('is not announced, listed or joinable for anyone outside it', async () => {
		const { room, o, m, x } = await privateRoom();
		// Nobody else heard of its creation.
		expect(x.events.some((e) => e.type === 'room_created' && e.content.name === room)).toBe(false);
		// Not in the outsider's lists: welcome, get_rooms, GET /api/rooms.
		const fresh = await connect(server, { cookie: outsider.cookie });
		const welcome = fresh.events.find((e) => e.type === 'welcome')!;
		expect(welcome.content.rooms.map((r: { name: string }) => r.name)).not.toContain(room);
		fresh.send({ type: 'get_rooms' });
		const rooms = await fresh.next('rooms');
		expect(rooms.content.map((r: { name: string }) => r.name)).not.toContain(room);
		const listed = await (await api('/api/rooms', outsider)).json();
		expect(JSON.stringify(listed)).not.toContain(room);
		// Members see it, marked private.
		m.send({ type: 'get_rooms' });
		const mine = (await m.next('rooms')).content.find((r: { name: string }) => r.name === room);
		expect(mine).toMatchObject({ joined: true, private: true, members: 2 });
		// Joining it is as joining a room that does not exist.
		fresh.send({ type: 'join_room', room });
		expect(await nextError(fresh)).toMatchObject({ code: 'not_found' });
		fresh.send({ type: 'join_room', room: 'no-such-room-at-all' });
		const missing = await nextError(fresh);
		expect(missing.code).toBe('not_found');
		await closeAll(o, m, x, fresh);
	});

	it('keeps its history, messages, search, typing, receipts and files from outsiders', async () => {
		const { room, o, m, x } = await privateRoom();
		const said = await sendAck(o, {
			type: 'message',
			room,
			content: 'the launch code is swordfish'
		});
		await m.next((e) => e.type === 'message' && e.id === said.id);
		// History, over the socket and HTTP.
		x.send({ type: 'get_history', room });
		expect(await nextError(x)).toMatchObject({ code: 'not_found' });
		expect((await api(`/api/rooms/${room}/messages`, outsider)).status).toBe(404);
		// Sending into it.
		x.send({ type: 'message', room, content: 'let me in' });
		expect(await nextError(x)).toMatchObject({ code: 'not_found' });
		const post = await api(`/api/rooms/${room}/messages`, outsider, {
			method: 'POST',
			body: JSON.stringify({ content: 'let me in' })
		});
		expect(post.status).toBe(404);
		// Search: the outsider finds nothing, the member finds it; naming the room is a 404.
		const q = (who: Account, extra = '') =>
			api(`/api/search?q=swordfish${extra}`, who).then(async (r) => ({
				status: r.status,
				body: r.status === 200 ? await r.json() : null
			}));
		expect((await q(outsider)).body.messages).toEqual([]);
		expect((await q(member)).body.messages.map((mm: { id: number }) => mm.id)).toEqual([said.id]);
		expect((await q(outsider, `&room=${room}`)).status).toBe(404);
		// Typing: refused to the outsider, and members' typing never reaches them.
		x.send({ type: 'typing', room, is_typing: true });
		expect(await nextError(x)).toMatchObject({ code: 'not_found' });
		m.send({ type: 'typing', room, is_typing: true });
		await o.next((e) => e.type === 'typing' && e.content.room === room);
		// Receipts and reactions on its messages.
		x.send({ type: 'get_receipts', message_id: said.id });
		expect(await nextError(x)).toMatchObject({ code: 'not_found' });
		x.send({ type: 'react', message_id: said.id, emoji: '👍' });
		expect(await nextError(x)).toMatchObject({ code: 'not_found' });
		// A file posted there: members fetch it, the outsider gets 404.
		const file = await (
			await upload(server, owner.cookie, Buffer.from('plans'), 'plans.txt')
		).json();
		await sendAck(o, { type: 'file', upload_id: file.id, room });
		expect((await download(server, file.url, member.cookie)).status).toBe(200);
		expect((await download(server, file.url, outsider.cookie)).status).toBe(404);
		// Resume from before it all: nothing of the room reaches the outsider.
		const again = await connect(server, { cookie: outsider.cookie });
		again.send({ type: 'resume', after_id: said.id - 1 });
		await again.next('resumed');
		expect(JSON.stringify(again.events)).not.toContain(room);
		expect(JSON.stringify(x.events)).not.toContain('swordfish');
		await closeAll(o, m, x, again);
	});

	it('a removed member stops receiving at once, on every connection; only the creator or an admin removes', async () => {
		const { room, o, m, x } = await privateRoom();
		const secondTab = await connect(server, { cookie: member.cookie });
		// A member who did not create it cannot remove; the outsider cannot even see it.
		m.send({ type: 'remove_member', room, user_id: owner.user.id });
		expect(await nextError(m)).toMatchObject({ code: 'forbidden' });
		x.send({ type: 'remove_member', room, user_id: member.user.id });
		expect(await nextError(x)).toMatchObject({ code: 'not_found' });

		o.send({ type: 'remove_member', room, user_id: member.user.id });
		await Promise.all([
			m.next((e) => e.type === 'room_left' && e.content.room === room),
			secondTab.next((e) => e.type === 'room_left' && e.content.room === room),
			o.next((e) => e.type === 'member_left' && e.content.user_id === member.user.id)
		]);
		const after = await sendAck(o, { type: 'message', room, content: 'now among ourselves' });
		// A message sent after the removal reaches neither of the member's connections; a ping
		// answered proves everything before it has arrived.
		for (const c of [m, secondTab]) {
			c.send({ type: 'ping' });
			await c.next('pong');
			expect(c.events.some((e) => e.id === after.id)).toBe(false);
		}
		m.send({ type: 'get_history', room });
		expect(await nextError(m)).toMatchObject({ code: 'not_found' });
		// Nor may it post there, from the connection that listened to the room a moment ago.
		m.send({ type: 'message', room, content: 'still here?' });
		expect(await nextError(m)).toMatchObject({ code: 'not_found' });
		m.send({ type: 'join_room', room });
		expect(await nextError(m)).toMatchObject({ code: 'not_found' });
		// The removal is audited.
		const audit = await (await api('/api/admin/audit', admin)).json();
		expect(JSON.stringify(audit)).toContain('remove_member');
		await closeAll(o, m, x, secondTab);
	});

	it('invitations: members only, accounts only, and a public room can be shared the same way', async () => {
		const { room, o, m, x } = await privateRoom();
		x.send({ type: 'invite', room, user_id: outsider.user.id });
		expect(await nextError(x)).toMatchObject({ code: 'not_found' });
		m.send({ type: 'invite', room, user_id: 999_999 });
		expect(await nextError(m)).toMatchObject({ code: 'not_found' });
		// A member invites the outsider in: they see it from then on.
		m.send({ type: 'invite', room, user_id: outsider.user.id });
		await x.next((e) => e.type === 'room_joined' && e.content.room === room);
		const said = await sendAck(o, { type: 'message', room, content: 'welcome aboard' });
		await x.next((e) => e.type === 'message' && e.id === said.id);
		// Inviting someone already in changes nothing.
		m.send({ type: 'invite', room, user_id: outsider.user.id });
		m.send({ type: 'ping' });
		await m.next('pong');
		await closeAll(o, m, x);
	});

	it('settings: the creator changes the topic and makes it public or private again; audited', async () => {
		const { room, o, m, x } = await privateRoom();
		m.send({ type: 'update_room', room, topic: 'not mine to change' });
		expect(await nextError(m)).toMatchObject({ code: 'forbidden' });
		x.send({ type: 'update_room', room, topic: 'nor mine' });
		expect(await nextError(x)).toMatchObject({ code: 'not_found' });

		o.send({ type: 'update_room', room, topic: 'launch planning' });
		const seen = await m.next((e) => e.type === 'room_updated' && e.content.room === room);
		expect(seen.content).toEqual({ room, topic: 'launch planning', private: true });
		// Still private: the outsider heard nothing.
		expect(x.events.some((e) => e.type === 'room_updated')).toBe(false);

		// Made public: everyone hears of it and may join; private again: outsiders lose it.
		o.send({ type: 'update_room', room, private: false });
		const opened = await x.next((e) => e.type === 'room_updated' && e.content.room === room);
		expect(opened.content.private).toBeUndefined();
		x.send({ type: 'get_rooms' });
		expect((await x.next('rooms')).content.map((r: { name: string }) => r.name)).toContain(room);
		o.send({ type: 'update_room', room, private: true });
		await x.next((e) => e.type === 'room_updated' && e.content.private === true);
		x.send({ type: 'join_room', room });
		expect(await nextError(x)).toMatchObject({ code: 'not_found' });
		// general stays public, whoever asks.
		const a = await connect(server, { cookie: admin.cookie });
		a.send({ type: 'update_room', room: 'general', private: true });
		expect(await nextError(a)).toMatchObject({ code: 'invalid_message' });
		const audit = await (await api('/api/admin/audit', admin)).json();
		expect(JSON.stringify(audit)).toContain('update_room');
		await closeAll(o, m, x, a);
	});
});
