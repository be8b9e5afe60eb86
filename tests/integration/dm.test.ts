import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register, userClient } from '../helpers/client';
import { FAST, nextError, sendAck, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
	server = await startServer(FAST);
});
afterAll(() => server?.dispose());

const dmUrl = (peer: number, query = '') => `${server.url}/api/dm/${peer}/messages${query}`;

describe('private_message', () => {
	it('reaches the recipient as private_message and every sender tab as private_message_sent', async () => {
		const a = await userClient(server, uniq('dma'));
		const aTab2 = await connect(server, { cookie: a.cookie });
		const b = await userClient(server, uniq('dmb'));
		const c = await userClient(server, uniq('dmc'));
		const sent = await sendAck(a.client, {
			type: 'private_message',
			to_id: b.user.id,
			content: 'psst'
		});
		expect(sent).toMatchObject({
			type: 'private_message_sent',
			from_id: a.user.id,
			from_name: a.user.name,
			to_id: b.user.id,
			to_name: b.user.name,
			content: 'psst'
		});
		expect(sent).not.toHaveProperty('room');
		expect(
			await aTab2.next((e) => e.type === 'private_message_sent' && e.id === sent.id)
		).toMatchObject({ to_id: b.user.id, to_name: b.user.name, client_id: sent.client_id });
		const got = await b.client.next('private_message');
		expect(got).toMatchObject({
			id: sent.id,
			from_id: a.user.id,
			from_name: a.user.name,
			to_id: b.user.id,
			content: 'psst'
		});
		expect(got).not.toHaveProperty('room');
		// A third party never sees it: the next DM-ish event c gets is its own.
		const own = await sendAck(c.client, {
			type: 'private_message',
			to_id: a.user.id,
			content: 'hey'
		});
		expect(c.client.events.filter((e) => e.id === sent.id)).toHaveLength(0);
		expect(own.to_id).toBe(a.user.id);
		await Promise.all([a.client.close(), aTab2.close(), b.client.close(), c.client.close()]);
	});

	it('accepts to_id as a numeric string', async () => {
		const a = await userClient(server, uniq('dms'));
		const b = await userClient(server, uniq('dmt'));
		const sent = await sendAck(a.client, {
			type: 'private_message',
			to_id: String(b.user.id),
			content: 'string id'
		});
		expect(sent.to_id).toBe(b.user.id);
		await Promise.all([a.client.close(), b.client.close()]);
	});

	it('answers an unknown recipient with not_found "User not found or offline"', async () => {
		const a = await userClient(server, uniq('dmu'));
		a.client.send({ type: 'private_message', to_id: 987654, content: 'anyone?' });
		expect(await nextError(a.client)).toEqual({
			code: 'not_found',
			message: 'User not found or offline'
		});
		await a.client.close();
	});

	it('keeps DMs for an offline account: in its history and its resume', async () => {
		const a = await userClient(server, uniq('dmo'));
		const offline = await register(server, uniq('dmoff'));
		const first = await connect(server, { cookie: offline.cookie });
		const before = await sendAck(a.client, { type: 'message', content: 'fence' });
		await first.close();
		const sent = await sendAck(a.client, {
			type: 'private_message',
			to_id: offline.user.id,
			content: 'while you were out'
		});
		const back = await connect(server, { cookie: offline.cookie });
		back.send({ type: 'resume', after_id: before.id });
		const resumed = await back.next('private_message');
		expect(resumed).toMatchObject({
			id: sent.id,
			from_id: a.user.id,
			content: 'while you were out'
		});
		expect((await back.next('resumed')).content.last_id).toBeGreaterThanOrEqual(sent.id);
		back.send({ type: 'get_history', with: a.user.id });
		const history = await back.next('history');
		expect(history.content.with).toBe(a.user.id);
		expect(history.content.messages.map((m: { id: number }) => m.id)).toEqual([sent.id]);
		expect(history.content.messages[0].type).toBe('private_message');
		await Promise.all([a.client.close(), back.close()]);
	});
});

describe('DM history', () => {
	it('is visible only to the two parties, over WebSocket and HTTP', async () => {
		const a = await userClient(server, uniq('dha'));
		const b = await userClient(server, uniq('dhb'));
		const c = await userClient(server, uniq('dhc'));
		const m1 = await sendAck(a.client, { type: 'private_message', to_id: b.user.id, content: '1' });
		const m2 = await sendAck(b.client, { type: 'private_message', to_id: a.user.id, content: '2' });

		// Each party sees the conversation in its own form.
		a.client.send({ type: 'get_history', with: b.user.id });
		const ha = (await a.client.next('history')).content;
		expect(ha.messages.map((m: { id: number; type: string }) => [m.id, m.type])).toEqual([
			[m1.id, 'private_message_sent'],
			[m2.id, 'private_message']
		]);
		expect(ha.has_more).toBe(false);
		const res = await fetch(dmUrl(a.user.id), { headers: { cookie: b.cookie } });
		expect(res.status).toBe(200);
		const hb = await res.json();
		expect(hb.messages.map((m: { id: number; type: string }) => [m.id, m.type])).toEqual([
			[m1.id, 'private_message'],
			[m2.id, 'private_message_sent']
		]);
		expect(hb.has_more).toBe(false);

		// A third party asking about either of them sees only its own (empty) conversation.
		c.client.send({ type: 'get_history', with: a.user.id });
		expect((await c.client.next('history')).content.messages).toEqual([]);
		const cres = await fetch(dmUrl(b.user.id), { headers: { cookie: c.cookie } });
		expect((await cres.json()).messages).toEqual([]);
		// Nor can it read receipts of, or mark, a DM it is not part of.
		c.client.send({ type: 'get_receipts', message_id: m1.id });
		expect((await nextError(c.client)).code).toBe('not_found');
		await Promise.all([a.client.close(), b.client.close(), c.client.close()]);
	});

	it('pages with before and limit, answers bad params 400, logged out 401, unknown user 404', async () => {
		const a = await userClient(server, uniq('dpa'));
		const b = await register(server, uniq('dpb'));
		const ids: number[] = [];
		for (let i = 0; i < 5; i++)
			ids.push(
				(await sendAck(a.client, { type: 'private_message', to_id: b.user.id, content: `p${i}` }))
					.id
			);
		const get = (q: string, cookie = a.cookie, peer = b.user.id) =>
			fetch(dmUrl(peer, q), { headers: { cookie } });
		const page = await (await get('?limit=2')).json();
		expect(page.messages.map((m: { id: number }) => m.id)).toEqual(ids.slice(3));
		expect(page.has_more).toBe(true);
		const older = await (await get(`?limit=2&before=${ids[3]}`)).json();
		expect(older.messages.map((m: { id: number }) => m.id)).toEqual(ids.slice(1, 3));
		const oldest = await (await get(`?before=${ids[1]}`)).json();
		expect(oldest).toMatchObject({ has_more: false });
		expect(oldest.messages.map((m: { id: number }) => m.id)).toEqual([ids[0]]);
		for (const q of ['?limit=0', '?limit=101', '?limit=x', '?before=-1', '?before=abc']) {
			const bad = await get(q);
			expect(bad.status, q).toBe(400);
			expect((await bad.json()).error.code).toBeTypeOf('string');
		}
		expect((await fetch(dmUrl(b.user.id))).status).toBe(401);
		expect((await get('', a.cookie, 987654)).status).toBe(404);
		await a.client.close();
	});
});
