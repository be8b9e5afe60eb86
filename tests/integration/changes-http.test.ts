import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register, userClient, type Event } from '../helpers/client';
import { FAST, received, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

// The HTTP side of PROTOCOL.md §10 (issue 11 item 7): the same services as the socket.

let server: TestServer;
beforeAll(async () => {
	server = await startServer(FAST);
	await register(server, uniq('first')); // the first account is the admin; keep it out of the way
});
afterAll(() => server?.dispose());

function call(method: string, path: string, cookie: string, body?: unknown) {
	return fetch(`${server.url}${path}`, {
		method,
		headers: { cookie, origin: server.url, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
}

describe('POST /api/rooms/:name/messages', () => {
	it('posts a message (201), idempotent by client_id, seen live by members', async () => {
		const bot = await register(server, uniq('bot'));
		const reader = await userClient(server, uniq('rd'));
		const res = await call('POST', '/api/rooms/general/messages', bot.cookie, {
			content: 'from a script',
			client_id: 'job-1'
		});
		expect(res.status).toBe(201);
		const m = await res.json();
		expect(m).toMatchObject({
			type: 'message',
			room: 'general',
			from_id: bot.user.id,
			content: 'from a script',
			client_id: 'job-1',
			seq: m.id,
			reactions: []
		});
		await received(reader.client, (e) => e.id === m.id);
		const again = await call('POST', '/api/rooms/general/messages', bot.cookie, {
			content: 'from a script',
			client_id: 'job-1'
		});
		expect(again.status).toBe(200);
		expect((await again.json()).id).toBe(m.id);

		const reply = await call('POST', '/api/rooms/general/messages', bot.cookie, {
			content: 'a reply',
			reply_to: m.id
		});
		expect(reply.status).toBe(201);
		expect((await reply.json()).reply_to).toMatchObject({ id: m.id, excerpt: 'from a script' });
		await reader.client.close();
	});

	it('refuses the logged out (401), bad bodies (400), unknown rooms and parents (404), non-members (403)', async () => {
		const u = await register(server, uniq('pp'));
		expect((await call('POST', '/api/rooms/general/messages', '', { content: 'x' })).status).toBe(
			401
		);
		expect((await call('POST', '/api/rooms/general/messages', u.cookie, {})).status).toBe(400);
		expect(
			(await call('POST', '/api/rooms/general/messages', u.cookie, { content: '  ' })).status
		).toBe(400);
		expect(
			(await call('POST', '/api/rooms/no-such-room/messages', u.cookie, { content: 'x' })).status
		).toBe(404);
		expect(
			(
				await call('POST', '/api/rooms/general/messages', u.cookie, {
					content: 'x',
					reply_to: 999_999_999
				})
			).status
		).toBe(404);
		const owner = await userClient(server, uniq('ow'));
		const room = uniq('hr').toLowerCase();
		owner.client.send({ type: 'create_room', name: room });
		await owner.client.next('room_joined');
		const res = await call('POST', `/api/rooms/${room}/messages`, u.cookie, { content: 'x' });
		expect(res.status).toBe(403);
		expect((await res.json()).error.code).toBe('forbidden');
		await owner.client.close();
	});
});

describe('POST /api/dm/:userId/messages', () => {
	it('sends a DM both parties see, idempotent by client_id', async () => {
		const a = await register(server, uniq('da'));
		const b = await userClient(server, uniq('db'));
		const res = await call('POST', `/api/dm/${b.user.id}/messages`, a.cookie, {
			content: 'psst',
			client_id: 'dm-1'
		});
		expect(res.status).toBe(201);
		const m = await res.json();
		expect(m).toMatchObject({ type: 'private_message_sent', to_id: b.user.id, content: 'psst' });
		const live = await received(b.client, (e) => e.id === m.id);
		expect(live.type).toBe('private_message');
		const again = await call('POST', `/api/dm/${b.user.id}/messages`, a.cookie, {
			content: 'psst',
			client_id: 'dm-1'
		});
		expect((await again.json()).id).toBe(m.id);
		expect(
			(await call('POST', '/api/dm/999999999/messages', a.cookie, { content: 'x' })).status
		).toBe(404);
		await b.client.close();
	});
});

describe('PATCH and DELETE /api/messages/:id', () => {
	it('the author edits and deletes; others get 403, strangers to the message 404', async () => {
		const a = await register(server, uniq('ea'));
		const b = await userClient(server, uniq('eb'));
		const post = await call('POST', '/api/rooms/general/messages', a.cookie, { content: 'draft' });
		const m = await post.json();

		const edited = await call('PATCH', `/api/messages/${m.id}`, a.cookie, { content: 'final' });
		expect(edited.status).toBe(200);
		const body = await edited.json();
		expect(body).toMatchObject({ id: m.id, content: 'final', edited_at: expect.any(Number) });
		const live = await b.client.next(
			(e: Event) => e.type === 'message_edited' && e.content.message_id === m.id
		);
		expect(live.content.content).toBe('final');

		expect(
			(await call('PATCH', `/api/messages/${m.id}`, b.cookie, { content: 'mine' })).status
		).toBe(403);
		expect((await call('DELETE', `/api/messages/${m.id}`, b.cookie)).status).toBe(403);
		expect((await call('PATCH', `/api/messages/${m.id}`, a.cookie, {})).status).toBe(400);
		expect((await call('PATCH', '/api/messages/abc', a.cookie, { content: 'x' })).status).toBe(400);

		const dm = await (
			await call('POST', `/api/dm/${b.user.id}/messages`, a.cookie, { content: 'private' })
		).json();
		const c = await register(server, uniq('ec'));
		expect((await call('DELETE', `/api/messages/${dm.id}`, c.cookie)).status).toBe(404);
		expect((await call('PATCH', `/api/messages/${dm.id}`, c.cookie, { content: 'x' })).status).toBe(
			404
		);

		expect((await call('DELETE', `/api/messages/${m.id}`, a.cookie)).status).toBe(204);
		await b.client.next(
			(e: Event) => e.type === 'message_deleted' && e.content.message_id === m.id
		);
		expect((await call('DELETE', `/api/messages/${m.id}`, a.cookie)).status).toBe(404);
		const history = await (await call('GET', '/api/rooms/general/messages', b.cookie)).json();
		expect(history.messages.some((x: Event) => x.id === m.id)).toBe(false);
		await b.client.close();
	});

	it('refuses a cross-origin write (CSRF) like every other endpoint', async () => {
		const a = await register(server, uniq('co'));
		const res = await fetch(`${server.url}/api/rooms/general/messages`, {
			method: 'POST',
			headers: {
				cookie: a.cookie,
				origin: 'https://evil.example',
				'content-type': 'application/json'
			},
			body: JSON.stringify({ content: 'forged' })
		});
		expect(res.status).toBe(403);
		const probe = await connect(server, { cookie: a.cookie });
		probe.send({ type: 'get_history', room: 'general' });
		const page = (await probe.next('history')).content.messages as Event[];
		expect(page.some((x) => x.content === 'forged')).toBe(false);
		await probe.close();
	});
});
