import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register, type TestClient } from '../helpers/client';
import { nextError, sendAck, uniq } from '../helpers/chat';
import { download, upload } from '../helpers/files';
import { startRoomCast, type Account, type RoomCast } from '../helpers/room-cast';
import type { TestServer } from '../helpers/server';

// Issue 15: archiving a room (read-only, out of the lists of rooms to join, still read and
// searched by its members) and `@room` mentions, which obey each member's setting.

let server: TestServer;
let admin: Account, owner: Account, member: Account, outsider: Account;
let api: RoomCast['api'];

beforeAll(async () => {
	({ server, admin, owner, member, outsider, api } = await startRoomCast());
});
afterAll(() => server?.dispose());

const closeAll = (...clients: TestClient[]) => Promise.all(clients.map((c) => c.close()));
const names = (rooms: { name: string }[]) => rooms.map((r) => r.name);

/** A room of `owner`'s (public unless said) with `member` in it; everyone connected. */
async function room(isPrivate = false) {
	const name = uniq('arch').toLowerCase();
	const [o, m, x, a] = await Promise.all(
		[owner, member, outsider, admin].map((acc) => connect(server, { cookie: acc.cookie }))
	);
	o.send({ type: 'create_room', name, ...(isPrivate && { private: true }) });
	await o.next('room_joined');
	if (isPrivate) o.send({ type: 'invite', room: name, user_id: member.user.id });
	else m.send({ type: 'join_room', room: name });
	await o.next((e) => e.type === 'member_joined' && e.content.user_id === member.user.id);
	return { name, o, m, x, a };
}

async function archive(by: TestClient, name: string, archived = true) {
	by.send({ type: 'update_room', room: name, archived });
	return by.next((e) => e.type === 'room_updated' && e.content.room === name);
}

describe('archiving a room', () => {
	it('is for its creator or an admin; others are refused; general never; audited', async () => {
		const { name, o, m, x, a } = await room();
		m.send({ type: 'update_room', room: name, archived: true });
		expect(await nextError(m)).toMatchObject({ code: 'forbidden' });
		x.send({ type: 'update_room', room: name, archived: true });
		expect(await nextError(x)).toMatchObject({ code: 'forbidden' });
		a.send({ type: 'update_room', room: 'general', archived: true });
		expect(await nextError(a)).toMatchObject({ code: 'invalid_message' });

		// The creator archives: everyone who can see the (public) room hears it.
		const seen = await archive(o, name);
		expect(seen.content).toEqual({ room: name, topic: '', archived: true });
		for (const c of [m, x, a])
			await c.next((e) => e.type === 'room_updated' && e.content.room === name);
		// An admin unarchives it; room_updated carries no `archived` then.
		const back = await archive(a, name, false);
		expect(back.content).toEqual({ room: name, topic: '' });
		// Archiving twice announces once.
		await archive(o, name);
		o.send({ type: 'update_room', room: name, archived: true });
		o.send({ type: 'ping' });
		await o.next('pong');
		expect(o.all('room_updated').filter((e) => e.content.room === name)).toHaveLength(3);

		const audit = (await (await api('/api/admin/audit?limit=20', admin)).json()) as {
			action: string;
			reason: string;
		}[];
		const reasons = audit.filter((e) => e.action === 'update_room').map((e) => e.reason);
		expect(reasons).toContain(`#${name}: archived`);
		expect(reasons).toContain(`#${name}: unarchived`);
		await closeAll(o, m, x, a);
	});

	it('of a private room stays private: outsiders hear nothing and get not_found', async () => {
		const { name, o, m, x, a } = await room(true);
		x.send({ type: 'update_room', room: name, archived: true });
		expect(await nextError(x)).toMatchObject({ code: 'not_found' });
		const seen = await archive(o, name);
		expect(seen.content).toEqual({ room: name, topic: '', private: true, archived: true });
		await m.next((e) => e.type === 'room_updated' && e.content.room === name);
		// The outsider may not tell an archived private room from no room at all.
		x.send({ type: 'join_room', room: name });
		expect(await nextError(x)).toMatchObject({ code: 'not_found' });
		x.send({ type: 'message', room: name, content: 'hello?' });
		expect(await nextError(x)).toMatchObject({ code: 'not_found' });
		x.send({ type: 'ping' });
		await x.next('pong');
		// Only the outsider's own refusals name it (they asked for it by name).
		expect(JSON.stringify(x.events.filter((e) => e.type !== 'error'))).not.toContain(name);
		await closeAll(o, m, x, a);
	});

	it('refuses every write into it with `archived`, and reading, search and files still work', async () => {
		const { name, o, m, x, a } = await room();
		const said = await sendAck(o, { type: 'message', room: name, content: 'quarterly zebra plan' });
		const file = await (
			await upload(server, owner.cookie, Buffer.from('minutes'), 'minutes.txt')
		).json();
		await sendAck(o, { type: 'file', upload_id: file.id, room: name });
		await archive(o, name);
		await m.next((e) => e.type === 'room_updated' && e.content.archived === true);

		const refused = async (c: TestClient, frame: Record<string, unknown>) => {
			c.send(frame);
			expect(await nextError(c), JSON.stringify(frame)).toMatchObject({ code: 'archived' });
		};
		await refused(m, { type: 'message', room: name, content: 'anyone?' });
		await refused(m, { type: 'message', room: name, content: 'in thread', reply_to: said.id });
		await refused(m, { type: 'image', room: name, url: 'https://example.com/a.png' });
		const another = await (
			await upload(server, member.cookie, Buffer.from('late'), 'late.txt')
		).json();
		await refused(m, { type: 'file', upload_id: another.id, room: name });
		await refused(o, { type: 'edit_message', message_id: said.id, content: 'changed' });
		await refused(o, { type: 'delete_message', message_id: said.id });
		await refused(a, { type: 'delete_message', message_id: said.id });
		await refused(m, { type: 'react', message_id: said.id, emoji: '👍' });
		await refused(m, { type: 'typing', room: name, is_typing: true });
		await refused(m, { type: 'invite', room: name, user_id: outsider.user.id });
		await refused(x, { type: 'join_room', room: name });
		await refused(o, { type: 'update_room', room: name, topic: 'frozen' });
		// Over HTTP too: 403 with the same code.
		const post = await api(`/api/rooms/${name}/messages`, member, {
			method: 'POST',
			body: JSON.stringify({ content: 'via http' })
		});
		expect(post.status).toBe(403);
		expect((await post.json()).error.code).toBe('archived');

		// Reading: history (socket and HTTP), a thread, search, files — for its members.
		m.send({ type: 'get_history', room: name });
		const history = await m.next('history');
		expect(history.content.messages.map((mm: { id: number }) => mm.id)).toContain(said.id);
		expect((await api(`/api/rooms/${name}/messages`, member)).status).toBe(200);
		m.send({ type: 'get_thread', message_id: said.id });
		expect((await m.next('thread')).content.root.id).toBe(said.id);
		const found = await (await api('/api/search?q=zebra', member)).json();
		expect(found.messages.map((mm: { id: number }) => mm.id)).toEqual([said.id]);
		expect((await download(server, file.url, member.cookie)).status).toBe(200);
		// Members re-open it (join_room answers room_joined, marked archived) and may leave.
		m.send({ type: 'join_room', room: name });
		const reopened = await m.next((e) => e.type === 'room_joined' && e.content.room === name);
		expect(reopened.content.archived).toBe(true);

		// Unarchived, it takes writes again.
		await archive(o, name, false);
		await sendAck(m, { type: 'message', room: name, content: 'back in business' });
		await closeAll(o, m, x, a);
	});

	it('leaves the lists of rooms to join; its members list it marked archived', async () => {
		const { name, o, m, x, a } = await room();
		await archive(o, name);
		const fresh = await connect(server, { cookie: outsider.cookie });
		const welcome = fresh.events.find((e) => e.type === 'welcome')!;
		expect(names(welcome.content.rooms)).not.toContain(name);
		fresh.send({ type: 'get_rooms' });
		expect(names((await fresh.next('rooms')).content)).not.toContain(name);
		expect(names(await (await api('/api/rooms', outsider)).json())).not.toContain(name);

		m.send({ type: 'get_rooms' });
		const mine = (await m.next('rooms')).content.find((r: { name: string }) => r.name === name);
		expect(mine).toMatchObject({ joined: true, archived: true });
		const http = (await (await api('/api/rooms', member)).json()).find(
			(r: { name: string }) => r.name === name
		);
		expect(http).toMatchObject({ joined: true, archived: true });

		// Unarchived: back in the outsider's list, without the mark.
		await archive(o, name, false);
		fresh.send({ type: 'get_rooms' });
		const listed = (await fresh.next('rooms')).content.find(
			(r: { name: string }) => r.name === name
		);
		expect(listed).toMatchObject({ joined: false });
		expect(listed.archived).toBeUndefined();
		await closeAll(o, m, x, a, fresh);
	});
});

describe('@room', () => {
	it('mentions every member but the sender; members who silenced the room get no mention count', async () => {
		const { name, o, m, x, a } = await room();
		const quiet = await register(server, uniq('quiet'));
		const muted = await register(server, uniq('muted'));
		const q = await connect(server, { cookie: quiet.cookie });
		const mu = await connect(server, { cookie: muted.cookie });
		for (const c of [q, mu]) {
			c.send({ type: 'join_room', room: name });
			await c.next((e) => e.type === 'room_joined' && e.content.room === name);
		}
		q.send({ type: 'set_notifications', room: name, level: 'nothing' });
		await q.next('notifications');
		mu.send({ type: 'set_notifications', room: name, muted: true });
		await mu.next('notifications');

		const said = await sendAck(m, { type: 'message', room: name, content: 'standup now @room!' });
		expect([...said.mentions].sort((p: number, n: number) => p - n)).toEqual(
			[owner.user.id, quiet.user.id, muted.user.id].sort((p, n) => p - n)
		);
		const mentionsOf = async (c: TestClient) => {
			c.send({ type: 'get_rooms' });
			return (await c.next('rooms')).content.find((r: { name: string }) => r.name === name)
				.mentions;
		};
		expect(await mentionsOf(o)).toBe(1);
		expect(await mentionsOf(q)).toBe(0);
		expect(await mentionsOf(mu)).toBe(0);
		// Named in person, a member who muted the room is still told (as before).
		const named = await sendAck(m, {
			type: 'message',
			room: name,
			content: `@room and @${muted.user.username}`
		});
		expect(named.mentions).toContain(muted.user.id);
		expect(await mentionsOf(mu)).toBe(1);
		// `@rooms`, `a@room` and `@room_x` are not it.
		const not = await sendAck(m, { type: 'message', room: name, content: 'a@room @rooms @room_x' });
		expect(not.mentions).toEqual([]);
		// The Chinese alias, and an edit that adds it.
		const zh = await sendAck(m, { type: 'message', room: name, content: '@房间 开会了' });
		expect(zh.mentions).toContain(owner.user.id);
		const plain = await sendAck(m, { type: 'message', room: name, content: 'nothing yet' });
		m.send({ type: 'edit_message', message_id: plain.id, content: 'now @room' });
		const edited = await o.next(
			(e) => e.type === 'message_edited' && e.content.message_id === plain.id
		);
		expect(edited.content.mentions).toContain(owner.user.id);
		await closeAll(o, m, x, a, q, mu);
	});

	it('is plain text in general for non-admins and in DMs; admins may use it in general', async () => {
		const o = await connect(server, { cookie: owner.cookie });
		const a = await connect(server, { cookie: admin.cookie });
		const plain = await sendAck(o, { type: 'message', room: 'general', content: 'hey @room' });
		expect(plain.mentions).toEqual([]);
		const dm = await sendAck(o, {
			type: 'private_message',
			to_id: member.user.id,
			content: '@room?'
		});
		expect(dm.content.mentions ?? dm.mentions ?? []).toEqual([]);
		const loud = await sendAck(a, { type: 'message', room: 'general', content: '@room update' });
		expect(loud.mentions).toEqual(expect.arrayContaining([owner.user.id, member.user.id]));
		expect(loud.mentions).not.toContain(admin.user.id);
		await closeAll(o, a);
	});
});
