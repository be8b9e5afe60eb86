import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register, userClient, type TestClient } from '../helpers/client';
import { FAST, MESSAGE_TYPES, messageIds, prng, received, sendAck, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
	server = await startServer(FAST);
});
afterAll(() => server?.dispose());

/** The message events a resume delivered (everything before `resumed`) and `resumed` itself. */
async function resume(client: TestClient, afterId: number) {
	const start = client.events.length;
	client.send({ type: 'resume', after_id: afterId });
	const resumed = await client.next('resumed');
	const end = client.events.indexOf(resumed);
	return {
		messages: client.events.slice(start, end).filter((e) => MESSAGE_TYPES.has(e.type)),
		resumed
	};
}

describe('resume', () => {
	it('delivers every visible message after after_id in id order, then resumed {last_id}', async () => {
		const a = await register(server, uniq('rsa'));
		const b = await userClient(server, uniq('rsb'));
		const side = uniq('side').toLowerCase();
		b.client.send({ type: 'create_room', name: side });
		await b.client.next('room_joined');
		const fence = await sendAck(b.client, { type: 'message', content: 'seen before' });

		const m1 = await sendAck(b.client, { type: 'message', content: 'missed 1' });
		const hidden = await sendAck(b.client, { type: 'message', room: side, content: 'not for a' });
		const dm = await sendAck(b.client, {
			type: 'private_message',
			to_id: a.user.id,
			content: 'dm'
		});
		const other = await register(server, uniq('rso'));
		await sendAck(b.client, {
			type: 'private_message',
			to_id: other.user.id,
			content: 'not for a'
		});
		const m2 = await sendAck(b.client, { type: 'image', url: 'https://example.com/i.png' });

		const back = await connect(server, { cookie: a.cookie });
		const { messages, resumed } = await resume(back, fence.id);
		expect(messages.map((e) => [e.id, e.type])).toEqual([
			[m1.id, 'message'],
			[dm.id, 'private_message'],
			[m2.id, 'image']
		]);
		expect(messages.some((e) => e.id === hidden.id)).toBe(false);
		expect(resumed.content).toEqual({ last_id: m2.id });
		expect(resumed.from_id).toBe(0);
		// A fresh connection of the sender gets its own DM as private_message_sent.
		const bBack = await connect(server, { cookie: b.cookie });
		const mine = await resume(bBack, fence.id);
		expect(mine.messages.map((e) => e.id)).toContain(hidden.id);
		expect(mine.messages.find((e) => e.id === dm.id)!.type).toBe('private_message_sent');
		await bBack.close();
		// Ids as numeric strings work too.
		const again = await resume(back, String(m1.id) as unknown as number);
		expect(again.messages.map((e) => e.id)).toEqual([dm.id, m2.id]);
		await Promise.all([back.close(), b.client.close()]);
	});

	it('answers resumed {last_id: after_id} when nothing was missed', async () => {
		const a = await userClient(server, uniq('rsn'));
		const m = await sendAck(a.client, { type: 'message', content: 'latest' });
		const { messages, resumed } = await resume(a.client, m.id);
		expect(messages).toEqual([]);
		expect(resumed.content).toEqual({ last_id: m.id });
		await a.client.close();
	});

	it('sends the newest 1000 and truncated: true when more were missed', async () => {
		const a = await register(server, uniq('rst'));
		const b = await userClient(server, uniq('rstb'));
		const fence = await sendAck(b.client, { type: 'message', content: 'start' });
		const n = 1010;
		for (let i = 0; i < n; i++)
			b.client.send({ type: 'message', content: `t${i}`, client_id: `t-${i}` });
		// A thousand commits: generous on PostgreSQL under a full parallel run on two cores.
		await b.client.next((e) => e.client_id === `t-${n - 1}`, 30_000);
		const sent = b.client.events.filter((e) => e.client_id?.startsWith('t-')).map((e) => e.id);
		const back = await connect(server, { cookie: a.cookie });
		const { messages, resumed } = await resume(back, fence.id);
		expect(messages.map((e) => e.id)).toEqual(sent.slice(-1000));
		expect(resumed.content).toEqual({ last_id: sent.at(-1), truncated: true });
		await Promise.all([back.close(), b.client.close()]);
	});

	it('delivers what was missed before a restart', async () => {
		let own = await startServer();
		try {
			const a = await register(own, uniq('rra'));
			const b = await userClient(own, uniq('rrb'));
			const fence = await sendAck(b.client, { type: 'message', content: 'fence' });
			const m = await sendAck(b.client, {
				type: 'private_message',
				to_id: a.user.id,
				content: 'kept'
			});
			own = await own.restart(true);
			const back = await connect(own, { cookie: a.cookie });
			const { messages } = await resume(back, fence.id);
			expect(messages.map((e) => [e.id, e.content])).toEqual([[m.id, 'kept']]);
			await back.close();
		} finally {
			await own.dispose();
		}
	});

	it('is exactly once and in order against messages arriving live meanwhile', async () => {
		const a = await register(server, uniq('rla'));
		const b = await userClient(server, uniq('rlb'));
		const fence = await sendAck(b.client, { type: 'message', content: 'fence' });
		for (let i = 0; i < 30; i++)
			b.client.send({ type: 'message', content: `x${i}`, client_id: `pre-${i}` });
		// Reconnect while more keep arriving, then resume.
		const pending = connect(server, { cookie: a.cookie });
		for (let i = 0; i < 30; i++)
			b.client.send({ type: 'message', content: `y${i}`, client_id: `mid-${i}` });
		const back = await pending;
		back.send({ type: 'resume', after_id: fence.id });
		for (let i = 0; i < 30; i++)
			b.client.send({ type: 'message', content: `z${i}`, client_id: `post-${i}` });
		const last = await b.client.next((e) => e.client_id === 'post-29');
		await back.next('resumed');
		await received(back, (e) => e.id === last.id);
		const expected = b.client.events
			.filter((e) => e.type === 'message' && e.id > fence.id)
			.map((e) => e.id);
		expect(expected).toHaveLength(90);
		expect(messageIds(back)).toEqual(expected);
		await Promise.all([back.close(), b.client.close()]);
	});
});

describe('resume, randomized', () => {
	it('leaves every reconnecting client with every id it may see exactly once, in order', async () => {
		const random = prng(20261125);
		const senders = await Promise.all([0, 1, 2].map((i) => userClient(server, uniq(`rz${i}`))));
		const side = uniq('rzside').toLowerCase();
		senders[0].client.send({ type: 'create_room', name: side });
		await senders[0].client.next('room_joined');
		for (const s of senders.slice(1)) {
			s.client.send({ type: 'join_room', room: side });
			await s.client.next('room_joined');
		}
		const start = await sendAck(senders[0].client, { type: 'message', content: 'start' });

		interface Listener {
			id: number;
			cookie: string;
			conn: TestClient | null;
			/** Every connection this listener had, in order. */
			past: TestClient[];
			lastId: number;
		}
		const listeners: Listener[] = [];
		for (let i = 0; i < 4; i++) {
			const { user, cookie } = await register(server, uniq(`rzl${i}`));
			const conn = await connect(server, { cookie });
			// Start from the fence: resume on the first connection as on every later one.
			conn.send({ type: 'resume', after_id: start.id });
			await conn.next('resumed');
			listeners.push({ id: user.id, cookie, conn, past: [conn], lastId: start.id });
		}
		const stream = (l: Listener) => l.past.flatMap((c) => messageIds(c));

		let seq = 0;
		const lastSent = new Map<TestClient, string>();
		const send = () => {
			const s = senders[Math.floor(random() * senders.length)].client;
			lastSent.set(s, `rz-${seq + 1}`);
			const roll = random();
			const clientId = `rz-${++seq}`;
			if (roll < 0.55) s.send({ type: 'message', content: clientId, client_id: clientId });
			else if (roll < 0.7)
				s.send({ type: 'message', room: side, content: clientId, client_id: clientId });
			else {
				const to = listeners[Math.floor(random() * listeners.length)].id;
				s.send({ type: 'private_message', to_id: to, content: clientId, client_id: clientId });
			}
		};
		const toggle = async (l: Listener) => {
			if (l.conn) {
				const conn = l.conn;
				l.conn = null;
				await conn.close();
				// The client's cursor: the newest id it holds (nothing is received after close).
				l.lastId = Math.max(l.lastId, ...messageIds(conn));
				return;
			}
			const conn = await connect(server, { cookie: l.cookie });
			l.past.push(conn);
			// Messages keep arriving between the connection sequence and the resume, and after.
			for (let i = Math.floor(random() * 4); i > 0; i--) send();
			conn.send({ type: 'resume', after_id: l.lastId });
			for (let i = Math.floor(random() * 3); i > 0; i--) send();
			l.conn = conn;
			await conn.next('resumed');
		};

		for (let round = 0; round < 25; round++) {
			const burst = 1 + Math.floor(random() * 6);
			for (let i = 0; i < burst; i++) send();
			const moves = listeners.filter(() => random() < 0.35).map(toggle);
			for (let i = 0; i < burst; i++) send();
			await Promise.all(moves);
		}
		await Promise.all(listeners.filter((l) => !l.conn).map(toggle));
		await Promise.all([...lastSent].map(([s, id]) => received(s, (e) => e.client_id === id)));
		const end = await sendAck(senders[0].client, { type: 'message', content: 'end' });
		await Promise.all(listeners.map((l) => received(l.conn!, (e) => e.id === end.id)));

		// Everything the senders got acknowledged, as each listener may see it.
		const acks = senders
			.flatMap((s) => s.client.events)
			.filter((e) => MESSAGE_TYPES.has(e.type) && e.type !== 'private_message' && e.id > start.id);
		const sentIds = new Set(acks.map((e) => e.id));
		expect(sentIds.size).toBe(seq + 1);
		for (const l of listeners) {
			const visible = [...new Map(acks.map((e) => [e.id, e])).values()]
				.filter((e) => (e.type === 'message' ? e.room === 'general' : e.to_id === l.id))
				.map((e) => e.id)
				.sort((x, y) => x - y);
			expect(stream(l)).toEqual(visible);
		}
		expect(listeners.reduce((n, l) => n + l.past.length, 0)).toBeGreaterThan(listeners.length + 5);
		await Promise.all([
			...listeners.map((l) => l.conn!.close()),
			...senders.map((s) => s.client.close())
		]);
	});
});
