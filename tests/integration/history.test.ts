import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register, userClient, type TestClient } from '../helpers/client';
import { FAST, nextError, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
let sender: Awaited<ReturnType<typeof userClient>>;
/** Ids of the 120 messages sent to general, oldest first. */
const ids: number[] = [];

async function flood(client: TestClient, n: number, room = 'general'): Promise<number[]> {
	const tag = uniq('f');
	for (let i = 0; i < n; i++)
		client.send({ type: 'message', room, content: `${tag} ${i}`, client_id: `${tag}-${i}` });
	await client.next((e) => e.client_id === `${tag}-${n - 1}`);
	return client.events
		.filter((e) => e.type === 'message' && e.client_id?.startsWith(`${tag}-`))
		.map((e) => e.id);
}

const ofIds = (messages: { id: number }[]) => messages.map((m) => m.id);

beforeAll(async () => {
	server = await startServer(FAST);
	sender = await userClient(server, uniq('hist'));
	ids.push(...(await flood(sender.client, 120)));
});
afterAll(async () => {
	await sender?.client.close();
	await server?.dispose();
});

describe('history on connect', () => {
	it('is the newest 100 of general, oldest first, with has_more', async () => {
		const { client } = await userClient(server, uniq('hc'));
		expect(client.events.map((e) => e.type).slice(0, 3)).toEqual(['welcome', 'users', 'history']);
		const history = client.events[2];
		expect(history.content.room).toBe('general');
		expect(history.content.has_more).toBe(true);
		expect(ofIds(history.content.messages)).toEqual(ids.slice(-100));
		expect(history.content.messages[0]).toMatchObject({
			type: 'message',
			room: 'general',
			from_id: sender.user.id,
			from_name: sender.user.name
		});
		await client.close();
	});
});

describe('get_history', () => {
	it('defaults to 50, pages with before, and marks the end with has_more false', async () => {
		const { client } = await userClient(server, uniq('gh'));
		client.send({ type: 'get_history', room: 'general' });
		const first = (await client.next('history')).content;
		expect(first.room).toBe('general');
		expect(ofIds(first.messages)).toEqual(ids.slice(-50));
		expect(first.has_more).toBe(true);
		client.send({ type: 'get_history', room: 'general', before: ids[20], limit: 100 });
		const oldest = (await client.next('history')).content;
		expect(ofIds(oldest.messages)).toEqual(ids.slice(0, 20));
		expect(oldest.has_more).toBe(false);
		client.send({ type: 'get_history', room: 'general', before: String(ids[10]), limit: 3 });
		const small = (await client.next('history')).content;
		expect(ofIds(small.messages)).toEqual(ids.slice(7, 10));
		expect(small.has_more).toBe(true);
		await client.close();
	});

	it('with no room or user gives general', async () => {
		const { client } = await userClient(server, uniq('ghd'));
		client.send({ type: 'get_history', limit: 5 });
		const page = (await client.next('history')).content;
		expect(page.room).toBe('general');
		expect(ofIds(page.messages)).toEqual(ids.slice(-5));
		await client.close();
	});

	it('refuses a limit outside 1-100 and both room and with with invalid_message', async () => {
		const { client } = await userClient(server, uniq('ghl'));
		for (const bad of [
			{ room: 'general', limit: 0 },
			{ room: 'general', limit: 101 },
			{ room: 'general', limit: 'lots' },
			{ room: 'general', before: -5 },
			{ room: 'general', with: sender.user.id }
		]) {
			client.send({ type: 'get_history', ...bad });
			expect((await nextError(client)).code, JSON.stringify(bad)).toBe('invalid_message');
		}
		await client.close();
	});

	it('answers not_found for unknown rooms/users and forbidden for rooms the user is not in', async () => {
		const { client } = await userClient(server, uniq('ghf'));
		sender.client.send({ type: 'create_room', name: 'hist-private' });
		await sender.client.next('room_joined');
		client.send({ type: 'get_history', room: 'hist-private' });
		expect((await nextError(client)).code).toBe('forbidden');
		client.send({ type: 'get_history', room: 'nope-nope' });
		expect((await nextError(client)).code).toBe('not_found');
		client.send({ type: 'get_history', with: 999999 });
		expect((await nextError(client)).code).toBe('not_found');
		await client.close();
	});
});

describe('GET /api/rooms/:name/messages', () => {
	const url = (room: string, q = '') => `${server.url}/api/rooms/${room}/messages${q}`;

	it('pages with before and limit, oldest first', async () => {
		const { cookie } = await register(server, uniq('hh'));
		const get = async (q: string) => {
			const res = await fetch(url('general', q), { headers: { cookie } });
			expect(res.status).toBe(200);
			return res.json();
		};
		const page = await get('');
		expect(ofIds(page.messages)).toEqual(ids.slice(-50));
		expect(page.has_more).toBe(true);
		const older = await get(`?before=${ids[5]}&limit=10`);
		expect(ofIds(older.messages)).toEqual(ids.slice(0, 5));
		expect(older.has_more).toBe(false);
		const last = await get('?limit=1');
		expect(last.messages).toHaveLength(1);
		expect(last.messages[0]).toMatchObject({ id: ids.at(-1), type: 'message', room: 'general' });
	});

	it('answers 400 for bad params, 401 logged out, 403 not a member, 404 unknown room', async () => {
		const { cookie } = await register(server, uniq('hx'));
		const status = async (u: string, c?: string) =>
			(await fetch(u, { headers: c ? { cookie: c } : {} })).status;
		for (const q of ['?limit=0', '?limit=101', '?limit=1.5', '?before=0', '?before=x']) {
			const res = await fetch(url('general', q), { headers: { cookie } });
			expect(res.status, q).toBe(400);
			expect((await res.json()).error).toMatchObject({
				code: expect.any(String),
				message: expect.any(String)
			});
		}
		expect(await status(url('general'))).toBe(401);
		sender.client.send({ type: 'create_room', name: 'hist-http' });
		await sender.client.next('room_joined');
		// The membership is stored after room_joined; the joiner's member_joined says it is.
		await sender.client.next('member_joined');
		expect(await status(url('hist-http'), cookie)).toBe(403);
		expect(await status(url('hist-http'), sender.cookie)).toBe(200);
		expect(await status(url('no-such-room'), cookie)).toBe(404);
	});

	it('gives a newly connected member the room through history too', async () => {
		const c = await connect(server, { cookie: sender.cookie });
		c.send({ type: 'get_history', room: 'hist-http' });
		expect((await c.next('history')).content).toMatchObject({
			room: 'hist-http',
			messages: [],
			has_more: false
		});
		await c.close();
	});
});
