import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, userClient } from '../helpers/client';
import { nextError, sendAck, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(() => server?.dispose());

describe('typing', () => {
	it('reaches the others in the room, never any tab of the sender', async () => {
		const a = await userClient(server, uniq('ta'));
		const aTab2 = await connect(server, { cookie: a.cookie });
		const b = await userClient(server, uniq('tb'));
		a.client.send({ type: 'typing', is_typing: true });
		expect(await b.client.next('typing')).toMatchObject({
			from_id: a.user.id,
			content: { user_id: a.user.id, user_name: a.user.name, is_typing: true, room: 'general' }
		});
		a.client.send({ type: 'typing', is_typing: false, room: 'general' });
		expect((await b.client.next('typing')).content.is_typing).toBe(false);
		// A fence: by the time the sender's tabs see this message, a typing echo would have come.
		const fence = await sendAck(b.client, { type: 'message', content: 'fence' });
		await a.client.next((e) => e.id === fence.id);
		await aTab2.next((e) => e.id === fence.id);
		expect(a.client.all('typing')).toHaveLength(0);
		expect(aTab2.all('typing')).toHaveLength(0);
		await Promise.all([a.client.close(), aTab2.close(), b.client.close()]);
	});

	it('stays inside the room', async () => {
		const a = await userClient(server, uniq('tra'));
		const b = await userClient(server, uniq('trb'));
		const c = await userClient(server, uniq('trc'));
		const room = uniq('tr').toLowerCase();
		a.client.send({ type: 'create_room', name: room });
		await a.client.next('room_joined');
		b.client.send({ type: 'join_room', room });
		await b.client.next('room_joined');
		a.client.send({ type: 'typing', is_typing: true, room });
		expect((await b.client.next('typing')).content).toMatchObject({ room, user_id: a.user.id });
		const fence = await sendAck(a.client, { type: 'message', content: 'fence' });
		await c.client.next((e) => e.id === fence.id);
		expect(c.client.all('typing')).toHaveLength(0);
		c.client.send({ type: 'typing', is_typing: true, room });
		expect((await nextError(c.client)).code).toBe('forbidden');
		await Promise.all([a.client.close(), b.client.close(), c.client.close()]);
	});

	it('reaches only the DM peer (every tab), with `with` naming the typist', async () => {
		const a = await userClient(server, uniq('tda'));
		const b = await userClient(server, uniq('tdb'));
		const bTab2 = await connect(server, { cookie: b.cookie });
		const c = await userClient(server, uniq('tdc'));
		a.client.send({ type: 'typing', is_typing: true, to_id: b.user.id });
		const t = await b.client.next('typing');
		expect(t.content).toEqual({
			user_id: a.user.id,
			user_name: a.user.name,
			is_typing: true,
			with: a.user.id
		});
		expect((await bTab2.next('typing')).content.with).toBe(a.user.id);
		const fence = await sendAck(a.client, { type: 'message', content: 'fence' });
		await c.client.next((e) => e.id === fence.id);
		expect(c.client.all('typing')).toHaveLength(0);
		expect(a.client.all('typing')).toHaveLength(0);
		a.client.send({ type: 'typing', is_typing: true, to_id: 987654 });
		expect((await nextError(a.client)).code).toBe('not_found');
		await Promise.all([a.client.close(), b.client.close(), bTab2.close(), c.client.close()]);
	});
});
