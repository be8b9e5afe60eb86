import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, userClient } from '../helpers/client';
import { FAST, nextError, received, sendAck, uniq } from '../helpers/chat';
import { countDb, queryDb } from '../helpers/db';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
	server = await startServer(FAST);
});
afterAll(() => server?.dispose());

describe('message', () => {
	it('echoes to every connection of the sender with id and client_id, and reaches the room', async () => {
		const a = await userClient(server, uniq('msga'));
		const tab2 = await connect(server, { cookie: a.cookie });
		const b = await userClient(server, uniq('msgb'));
		a.client.send({ type: 'message', content: 'hi all', client_id: 'k1' });
		const echo = await a.client.next((e) => e.type === 'message' && e.client_id === 'k1');
		expect(echo).toMatchObject({
			type: 'message',
			room: 'general',
			from_id: a.user.id,
			from_name: a.user.name,
			content: 'hi all',
			client_id: 'k1'
		});
		expect(Number.isInteger(echo.id) && echo.id > 0).toBe(true);
		expect(Number.isInteger(echo.timestamp)).toBe(true);
		expect(await tab2.next((e) => e.type === 'message' && e.id === echo.id)).toMatchObject({
			client_id: 'k1'
		});
		expect((await b.client.next((e) => e.id === echo.id)).content).toBe('hi all');
		await Promise.all([a.client.close(), tab2.close(), b.client.close()]);
	});

	it('commits before the echo: the acknowledged row is already in the database', async () => {
		const a = await userClient(server, uniq('commit'));
		const echo = await sendAck(a.client, { type: 'message', content: 'durable' });
		const [row] = await queryDb<{ body: string }>(
			server,
			'SELECT body FROM messages WHERE id = ?',
			echo.id
		);
		expect(row.body).toBe('durable');
		await a.client.close();
	});

	it('gives strictly increasing ids and delivers a room in id order', async () => {
		const a = await userClient(server, uniq('orda'));
		const b = await userClient(server, uniq('ordb'));
		const reader = await userClient(server, uniq('ordr'));
		for (let i = 0; i < 20; i++) {
			a.client.send({ type: 'message', content: `a${i}`, client_id: `oa${i}` });
			b.client.send({ type: 'message', content: `b${i}`, client_id: `ob${i}` });
		}
		// The two senders' last messages may arrive in either order: wait for each wherever it is.
		await received(a.client, (e) => e.client_id === 'oa19');
		await received(b.client, (e) => e.client_id === 'ob19');
		const ids = (c: typeof reader.client, from: Set<number>) =>
			c.events.filter((e) => e.type === 'message' && from.has(e.from_id)).map((e) => e.id);
		await received(reader.client, (e) => e.client_id === 'oa19');
		await received(reader.client, (e) => e.client_id === 'ob19');
		const seen = ids(reader.client, new Set([a.user.id, b.user.id]));
		expect(seen).toHaveLength(40);
		expect(seen).toEqual([...seen].sort((x, y) => x - y));
		expect(new Set(seen).size).toBe(40);
		// Each sender's own echoes come back in the order sent.
		const aContents = a.client.events
			.filter((e) => e.type === 'message' && e.from_id === a.user.id)
			.map((e) => e.content);
		expect(aContents).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`));
		await Promise.all([a.client.close(), b.client.close(), reader.client.close()]);
	});

	it('stores a reused client_id once and sends the original back to the sender', async () => {
		const a = await userClient(server, uniq('idem'));
		const b = await userClient(server, uniq('idemb'));
		const first = await sendAck(a.client, { type: 'message', content: 'once', client_id: 'dup' });
		a.client.send({ type: 'message', content: 'changed', client_id: 'dup' });
		const again = await a.client.next((e) => e.type === 'message' && e.client_id === 'dup');
		expect(again).toMatchObject({ id: first.id, content: 'once' });
		// b saw it once: the next message b gets after the original is a later one.
		await b.client.next((e) => e.id === first.id);
		const later = await sendAck(a.client, { type: 'message', content: 'after' });
		const nextForB = await b.client.next((e) => e.type === 'message');
		expect(nextForB.id).toBe(later.id);
		// Another user may use the same client_id: it is per sender.
		const other = await sendAck(b.client, { type: 'message', content: 'mine', client_id: 'dup' });
		expect(other.id).toBeGreaterThan(first.id);
		await Promise.all([a.client.close(), b.client.close()]);
	});
});

describe('image', () => {
	it('sends http and https images as {url}', async () => {
		const a = await userClient(server, uniq('img'));
		const echo = await sendAck(a.client, { type: 'image', url: 'https://example.com/cat.png' });
		expect(echo).toMatchObject({
			type: 'image',
			room: 'general',
			content: { url: 'https://example.com/cat.png' }
		});
		const plain = await sendAck(a.client, { type: 'image', url: 'http://example.com/a.gif' });
		expect(plain.content).toEqual({ url: 'http://example.com/a.gif' });
		await a.client.close();
	});

	it.each(['javascript:alert(1)', 'data:image/png;base64,AAAA', 'ftp://x/y.png', 'not a url', ''])(
		'refuses %j with invalid_message',
		async (url) => {
			const a = await userClient(server, uniq('badimg'));
			a.client.send({ type: 'image', url });
			expect((await nextError(a.client)).code).toBe('invalid_message');
			await a.client.close();
		}
	);
});

describe('group commit', () => {
	it('acknowledges many concurrent senders with strictly increasing ids, all stored', async () => {
		const senders = await Promise.all(
			Array.from({ length: 8 }, (_, i) => userClient(server, uniq(`gc${i}`)))
		);
		const perSender = 25;
		for (const s of senders) {
			for (let i = 0; i < perSender; i++)
				s.client.send({ type: 'message', content: `gc ${i}`, client_id: `gc-${i}` });
		}
		const acks = await Promise.all(
			senders.map(async (s) => {
				await s.client.next(
					(e) => e.client_id === `gc-${perSender - 1}` && e.from_id === s.user.id
				);
				return s.client.events.filter((e) => e.type === 'message' && e.from_id === s.user.id);
			})
		);
		const all: number[] = [];
		for (const own of acks) {
			expect(own.map((e) => e.client_id)).toEqual(
				Array.from({ length: perSender }, (_, i) => `gc-${i}`)
			);
			const ids = own.map((e) => e.id);
			for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);
			all.push(...ids);
		}
		expect(new Set(all).size).toBe(senders.length * perSender);
		// A connection got every message, in increasing id order.
		await received(senders[0].client, (e) => e.id === Math.max(...all));
		const seenByFirst = senders[0].client.events
			.filter((e) => e.type === 'message' && all.includes(e.id))
			.map((e) => e.id);
		expect(seenByFirst).toEqual([...all].sort((x, y) => x - y));
		const stored = await countDb(
			server,
			`SELECT COUNT(*) FROM messages WHERE id IN (${all.join(',')})`
		);
		expect(stored).toBe(all.length);
		await Promise.all(senders.map((s) => s.client.close()));
	});
});

describe('across a restart', () => {
	it('keeps client_id idempotent after the server restarts', async () => {
		let own = await startServer();
		try {
			const { cookie, client } = await userClient(own, 'idemrestart');
			const first = await sendAck(client, {
				type: 'message',
				content: 'before restart',
				client_id: 'r-1'
			});
			const dm = await sendAck(client, {
				type: 'private_message',
				to_id: first.from_id,
				content: 'note to self',
				client_id: 'r-2'
			});
			own = await own.restart(true);
			const again = await connect(own, { cookie });
			again.send({ type: 'message', content: 'after restart', client_id: 'r-1' });
			const echo = await again.next((e) => e.client_id === 'r-1');
			expect(echo).toMatchObject({ id: first.id, content: 'before restart' });
			again.send({ type: 'private_message', to_id: first.from_id, content: 'x', client_id: 'r-2' });
			const dmEcho = await again.next((e) => e.client_id === 'r-2');
			expect(dmEcho).toMatchObject({
				type: 'private_message_sent',
				id: dm.id,
				content: 'note to self'
			});
			const fresh = await sendAck(again, { type: 'message', content: 'new', client_id: 'r-3' });
			expect(fresh.id).toBeGreaterThan(dm.id);
			expect(await countDb(own, "SELECT COUNT(*) FROM messages WHERE client_id = 'r-1'")).toBe(1);
			await again.close();
		} finally {
			await own.dispose();
		}
	});
});

describe('guests', () => {
	it('chat in rooms and DMs with ids from 1e9 that never collide with accounts', async () => {
		const own = await startServer({ GUESTS: '1' });
		try {
			const guest = await connect(own, { origin: null });
			const welcome = guest.events.find((e) => e.type === 'welcome')!.content;
			expect(welcome.is_guest).toBe(true);
			expect(welcome.user_id).toBeGreaterThanOrEqual(1e9);
			const account = await userClient(own, uniq('gacc'));
			const m = await sendAck(guest, { type: 'message', content: 'from a guest' });
			expect(m.from_id).toBe(welcome.user_id);
			expect((await account.client.next((e) => e.id === m.id)).from_name).toBe(welcome.user_name);
			// DMs both ways.
			const dm = await sendAck(guest, {
				type: 'private_message',
				to_id: account.user.id,
				content: 'hi account'
			});
			expect((await account.client.next('private_message')).id).toBe(dm.id);
			const reply = await sendAck(account.client, {
				type: 'private_message',
				to_id: welcome.user_id,
				content: 'hi guest'
			});
			expect(await guest.next('private_message')).toMatchObject({
				id: reply.id,
				to_id: welcome.user_id
			});
			// Rooms: a guest may join but not create (issue 10: a guest is anyone, any number of
			// times); its membership lasts as long as it does.
			const room = uniq('groom').toLowerCase();
			guest.send({ type: 'create_room', name: room });
			expect((await nextError(guest)).code).toBe('forbidden');
			account.client.send({ type: 'create_room', name: room });
			await account.client.next('room_joined');
			guest.send({ type: 'join_room', room });
			expect((await guest.next('room_joined')).content.room).toBe(room);
			const inRoom = await sendAck(guest, { type: 'message', room, content: 'guest room' });
			expect(inRoom.room).toBe(room);
			// Guests count as members: of general (all online guests) and of rooms they joined.
			guest.send({ type: 'get_rooms' });
			const summaries = (await guest.next('rooms')).content as { name: string; members: number }[];
			expect(summaries.find((r) => r.name === 'general')!.members).toBe(2);
			expect(summaries.find((r) => r.name === room)).toMatchObject({ members: 2, joined: true });
			await guest.close();
			await account.client.next((e) => e.type === 'leave' && e.content.user_id === welcome.user_id);
			// Gone: a DM to the guest's id is now not_found.
			account.client.send({ type: 'private_message', to_id: welcome.user_id, content: 'there?' });
			expect(await nextError(account.client)).toEqual({
				code: 'not_found',
				message: 'User not found or offline'
			});
			await account.client.close();
			// After a restart, new guests get ids beyond every stored one.
			const again = await own.restart();
			try {
				const next = await connect(again, { origin: null });
				const id = next.events.find((e) => e.type === 'welcome')!.content.user_id;
				expect(id).toBeGreaterThan(welcome.user_id);
				await next.close();
			} finally {
				await again.dispose();
			}
		} finally {
			await own.stop();
		}
	});
});
