import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, userClient } from '../helpers/client';
import { FAST, nextError, received, sendAck, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
	server = await startServer(FAST);
});
afterAll(() => server?.dispose());

describe('read and message_read', () => {
	it('tells every tab of the author; markers only move forward; get_receipts lists readers', async () => {
		const a = await userClient(server, uniq('ra'));
		const aTab2 = await connect(server, { cookie: a.cookie });
		const b = await userClient(server, uniq('rb'));
		const m1 = await sendAck(a.client, { type: 'message', content: 'one' });
		const m2 = await sendAck(a.client, { type: 'message', content: 'two' });
		const m3 = await sendAck(a.client, { type: 'message', content: 'three' });
		await received(b.client, (e) => e.id === m3.id);

		a.client.send({ type: 'get_receipts', message_id: m2.id });
		expect((await a.client.next('receipts')).content).toEqual({ message_id: m2.id, read_by: [] });

		b.client.send({ type: 'read', message_id: m2.id });
		const read = await a.client.next('message_read');
		expect(read.content).toEqual({
			message_id: m2.id,
			room: 'general',
			read_by: b.user.id,
			read_by_name: b.user.name,
			read_at: expect.any(Number)
		});
		expect((await aTab2.next('message_read')).content.message_id).toBe(m2.id);

		// Going back is a no-op (no event); the next message_read is for m3.
		b.client.send({ type: 'read', message_id: m1.id });
		b.client.send({ type: 'read', message_id: m2.id });
		b.client.send({ type: 'read', message_id: m3.id });
		expect((await a.client.next('message_read')).content.message_id).toBe(m3.id);

		// m1 counts as read (the marker is past it); the author is never listed.
		a.client.send({ type: 'get_receipts', message_id: String(m1.id) });
		const receipts = (await a.client.next('receipts')).content;
		expect(receipts).toEqual({
			message_id: m1.id,
			read_by: [{ user_id: b.user.id, name: b.user.name, read_at: expect.any(Number) }]
		});
		b.client.send({ type: 'get_receipts', message_id: m3.id });
		expect(
			(await b.client.next('receipts')).content.read_by.map((r: { user_id: number }) => r.user_id)
		).toEqual([b.user.id]);
		// Reading one's own message tells no one.
		a.client.send({ type: 'read', message_id: m3.id });
		const m4 = await sendAck(a.client, { type: 'message', content: 'four' });
		await received(b.client, (e) => e.id === m4.id);
		b.client.send({ type: 'read', message_id: m4.id });
		expect((await a.client.next('message_read')).content.message_id).toBe(m4.id);
		await Promise.all([a.client.close(), aTab2.close(), b.client.close()]);
	});

	it('for a DM, message_read carries with and room null', async () => {
		const a = await userClient(server, uniq('rda'));
		const b = await userClient(server, uniq('rdb'));
		const dm = await sendAck(a.client, {
			type: 'private_message',
			to_id: b.user.id,
			content: 'read me'
		});
		await b.client.next('private_message');
		b.client.send({ type: 'read', message_id: dm.id });
		expect((await a.client.next('message_read')).content).toEqual({
			message_id: dm.id,
			room: null,
			with: b.user.id,
			read_by: b.user.id,
			read_by_name: b.user.name,
			read_at: expect.any(Number)
		});
		a.client.send({ type: 'get_receipts', message_id: dm.id });
		expect((await a.client.next('receipts')).content.read_by).toEqual([
			{ user_id: b.user.id, name: b.user.name, read_at: expect.any(Number) }
		]);
		await Promise.all([a.client.close(), b.client.close()]);
	});

	it('answers not_found for unknown messages and forbidden for rooms the reader is not in', async () => {
		const a = await userClient(server, uniq('rna'));
		const b = await userClient(server, uniq('rnb'));
		a.client.send({ type: 'read', message_id: 99999999 });
		expect((await nextError(a.client)).code).toBe('not_found');
		a.client.send({ type: 'get_receipts', message_id: 99999999 });
		expect((await nextError(a.client)).code).toBe('not_found');
		a.client.send({ type: 'create_room', name: uniq('rr').toLowerCase() });
		const room = (await a.client.next('room_joined')).content.room;
		const m = await sendAck(a.client, { type: 'message', room, content: 'members only' });
		b.client.send({ type: 'read', message_id: m.id });
		expect((await nextError(b.client)).code).toBe('forbidden');
		b.client.send({ type: 'get_receipts', message_id: m.id });
		expect((await nextError(b.client)).code).toBe('forbidden');
		await Promise.all([a.client.close(), b.client.close()]);
	});
});
