import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, userClient } from '../helpers/client';
import { FAST, nextError, sendAck, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Notification settings (docs/protocol.md, "Notification settings"): stored per account and
 * conversation, answered on every connection of the user, carried by the summaries.
 */
let server: TestServer;
beforeAll(async () => {
	server = await startServer({ ...FAST, GUESTS: '1' });
});
afterAll(() => server?.dispose());

async function put(cookie: string, body: unknown) {
	return fetch(`${server.url}/api/me/notifications`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json', origin: server.url, cookie },
		body: JSON.stringify(body)
	});
}

/** The chat page's load data (the DM summaries live only there). */
async function pageData(cookie: string) {
	const res = await fetch(`${server.url}/__data.json`, { headers: { cookie } });
	return res.text();
}

describe('set_notifications', () => {
	it('a room: every connection hears it; welcome, get_rooms and GET /api/rooms carry it', async () => {
		const a = await userClient(server, uniq('na'));
		const tab2 = await connect(server, { cookie: a.cookie });
		const room = uniq('nr').slice(0, 30);
		a.client.send({ type: 'create_room', name: room });
		await a.client.next('room_joined');

		a.client.send({ type: 'set_notifications', room, level: 'nothing' });
		const expected = { room, level: 'nothing', muted: false };
		expect((await a.client.next('notifications')).content).toEqual(expected);
		expect((await tab2.next('notifications')).content).toEqual(expected);

		// Only the field given changes.
		tab2.send({ type: 'set_notifications', room, muted: true });
		const both = { room, level: 'nothing', muted: true };
		expect((await a.client.next('notifications')).content).toEqual(both);

		const again = await connect(server, { cookie: a.cookie });
		const welcome = again.events.find((e) => e.type === 'welcome')!;
		const listed = welcome.content.rooms.find((r: { name: string }) => r.name === room);
		expect(listed.notify).toEqual({ level: 'nothing', muted: true });
		// Rooms without a setting carry none (the defaults).
		const general = welcome.content.rooms.find((r: { name: string }) => r.name === 'general');
		expect(general.notify).toBeUndefined();

		again.send({ type: 'get_rooms' });
		const rooms = (await again.next('rooms')).content;
		expect(rooms.find((r: { name: string }) => r.name === room).notify).toEqual({
			level: 'nothing',
			muted: true
		});
		const http = await fetch(`${server.url}/api/rooms`, { headers: { cookie: a.cookie } });
		const listedHttp = (await http.json()).find((r: { name: string }) => r.name === room);
		expect(listedHttp.notify).toEqual({ level: 'nothing', muted: true });

		// Back to the defaults (mentions, not muted): the summaries say nothing again.
		again.send({ type: 'set_notifications', room, level: 'mentions', muted: false });
		expect((await again.next('notifications')).content).toEqual({
			room,
			level: 'mentions',
			muted: false
		});
		again.send({ type: 'get_rooms' });
		const reset = (await again.next('rooms')).content;
		expect(reset.find((r: { name: string }) => r.name === room).notify).toBeUndefined();
		await Promise.all([a.client.close(), tab2.close(), again.close()]);
	});

	it('a DM: set over HTTP, heard on the socket, carried by the page load after a reconnect', async () => {
		const a = await userClient(server, uniq('nda'));
		const b = await userClient(server, uniq('ndb'));
		await sendAck(b.client, { type: 'private_message', to_id: a.user.id, content: 'hi' });

		const res = await put(a.cookie, { with: b.user.id, level: 'mentions' });
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ with: b.user.id, level: 'mentions', muted: false });
		expect((await a.client.next('notifications')).content).toEqual({
			with: b.user.id,
			level: 'mentions',
			muted: false
		});
		// The peer's own setting is untouched.
		expect(b.client.all('notifications')).toEqual([]);

		await a.client.close();
		const back = await connect(server, { cookie: a.cookie });
		const data = await pageData(a.cookie);
		// Devalue's encoding: the summary and its notify are in the payload.
		expect(data).toContain('"notify"');
		expect(data).toContain('"mentions"');

		back.send({ type: 'set_notifications', with: String(b.user.id), muted: true });
		expect((await back.next('notifications')).content).toEqual({
			with: b.user.id,
			level: 'mentions',
			muted: true
		});
		await Promise.all([back.close(), b.client.close()]);
	});

	it('refuses what is not a setting, a room one is not in, an unknown peer and guests', async () => {
		const a = await userClient(server, uniq('nva'));
		const bad = [
			{ type: 'set_notifications', level: 'all' },
			{ type: 'set_notifications', room: 'general', with: a.user.id, level: 'all' },
			{ type: 'set_notifications', room: 'general' },
			{ type: 'set_notifications', room: 'general', level: 'loud' },
			{ type: 'set_notifications', room: 'general', muted: 'yes' }
		];
		for (const frame of bad) {
			a.client.send(frame);
			expect((await nextError(a.client)).code, JSON.stringify(frame)).toBe('invalid_message');
		}
		a.client.send({ type: 'set_notifications', room: 'no-such-room', level: 'all' });
		expect((await nextError(a.client)).code).toBe('not_found');
		a.client.send({ type: 'set_notifications', with: 999999, level: 'all' });
		expect((await nextError(a.client)).code).toBe('not_found');

		const owner = await userClient(server, uniq('nvo'));
		const room = uniq('nv').slice(0, 30);
		owner.client.send({ type: 'create_room', name: room });
		await owner.client.next('room_joined');
		a.client.send({ type: 'set_notifications', room, level: 'all' });
		expect((await nextError(a.client)).code).toBe('forbidden');

		const res = await put(a.cookie, { room: 'general', level: 'sometimes' });
		expect(res.status).toBe(400);
		expect((await res.json()).error.code).toBe('invalid_input');
		const anonymous = await fetch(`${server.url}/api/me/notifications`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ room: 'general', level: 'all' })
		});
		expect(anonymous.status).toBe(401);

		const guest = await connect(server, { origin: null });
		guest.send({ type: 'set_notifications', room: 'general', level: 'all' });
		expect((await nextError(guest)).code).toBe('forbidden');
		expect(a.client.all('notifications')).toEqual([]);
		await Promise.all([a.client.close(), owner.client.close(), guest.close()]);
	});
});
