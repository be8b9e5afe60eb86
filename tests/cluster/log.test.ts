import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register, type TestClient } from '../helpers/client';
import { MESSAGE_TYPES, messageIds, sendAck, uniq } from '../helpers/chat';
import { startCluster, until, type Cluster } from './cluster';

/**
 * The message log across three processes (PROTOCOL.md §3, §10, §14): one seq order that
 * every client of every process sees, resume on any process, client_id idempotent across
 * processes, and a process killed under traffic losing nothing acknowledged.
 */
let cluster: Cluster;
beforeAll(async () => {
	cluster = await startCluster(3);
}, 120_000);
afterAll(() => cluster?.dispose());

interface Person {
	cookie: string;
	id: number;
}

async function people(n: number): Promise<Person[]> {
	const out: Person[] = [];
	for (let i = 0; i < n; i++) {
		const r = await register(cluster.servers[i % 3], uniq('cl'));
		out.push({ cookie: r.cookie, id: r.user.id });
	}
	return out;
}

/** The live message events a client got with these contents, in arrival order. */
function ofRun(client: TestClient, tag: string) {
	return client.events.filter(
		(e) => MESSAGE_TYPES.has(e.type) && String(e.content ?? '').startsWith(tag)
	);
}

describe('three processes, one log', () => {
	it('every client on every process sees every message once, in one increasing seq order', async () => {
		const who = await people(6);
		const clients = await Promise.all(
			who.map((p, i) => connect(cluster.servers[i % 3], { cookie: p.cookie }))
		);
		const tag = uniq('order');
		const PER = 15;
		// Every client fires its messages at once: six writers on three processes racing.
		for (const [i, c] of clients.entries())
			for (let k = 0; k < PER; k++) c.send({ type: 'message', content: `${tag} ${i}.${k}` });
		const total = clients.length * PER;
		await until(() => clients.every((c) => ofRun(c, tag).length >= total));
		const orders = clients.map((c) => ofRun(c, tag).map((e) => e.id as number));
		for (const order of orders) {
			expect(order).toHaveLength(total);
			expect([...order].sort((a, b) => a - b)).toEqual(order);
			expect(order).toEqual(orders[0]);
		}
		// Each sender's own messages in the order it sent them.
		for (let i = 0; i < clients.length; i++) {
			const mine = ofRun(clients[0], `${tag} ${i}.`).map((e) => e.content);
			expect(mine).toEqual(Array.from({ length: PER }, (_, k) => `${tag} ${i}.${k}`));
		}
		await Promise.all(clients.map((c) => c.close()));
	});

	it('a client resumes on another process with no gap and no duplicate', async () => {
		const [reader, writer] = await people(2);
		const first = await connect(cluster.servers[0], { cookie: reader.cookie });
		const w = await connect(cluster.servers[1], { cookie: writer.cookie });
		const tag = uniq('hop');
		const seen = await sendAck(w, { type: 'message', content: `${tag} seen` });
		await first.next((e) => e.id === seen.id);
		await first.close();
		const missed: number[] = [];
		for (let i = 0; i < 10; i++)
			missed.push((await sendAck(w, { type: 'message', content: `${tag} missed ${i}` })).id);
		// Back on the third process, while the writer keeps going.
		const back = await connect(cluster.servers[2], { cookie: reader.cookie });
		back.send({ type: 'resume', after_id: seen.id });
		const live: number[] = [];
		for (let i = 0; i < 5; i++)
			live.push((await sendAck(w, { type: 'message', content: `${tag} live ${i}` })).id);
		await back.next('resumed');
		await until(() => ofRun(back, tag).length >= missed.length + live.length);
		expect(ofRun(back, tag).map((e) => e.id)).toEqual([...missed, ...live]);
		await Promise.all([back.close(), w.close()]);
	});

	it('one client_id sent to two processes at once stores one message', async () => {
		const [p] = await people(1);
		const a = await connect(cluster.servers[0], { cookie: p.cookie });
		const b = await connect(cluster.servers[1], { cookie: p.cookie });
		const tag = uniq('idem');
		const frame = { type: 'message', content: tag, client_id: `${tag}-1` };
		a.send(frame);
		b.send(frame);
		const [ea, eb] = await Promise.all([
			a.next((e) => e.type === 'message' && e.client_id === frame.client_id),
			b.next((e) => e.type === 'message' && e.client_id === frame.client_id)
		]);
		expect(ea.id).toBe(eb.id);
		const page = await (
			await fetch(`${cluster.servers[2].url}/api/rooms/general/messages?limit=100`, {
				headers: { cookie: p.cookie }
			})
		).json();
		expect(page.messages.filter((m: { content: string }) => m.content === tag)).toHaveLength(1);
		await Promise.all([a.close(), b.close()]);
	});

	it('a process killed with kill -9 under traffic loses no acknowledged message; its clients resume elsewhere', async () => {
		const victim = await cluster.start();
		const [writer, reader, watcher] = await people(3);
		const w = await connect(victim, { cookie: writer.cookie });
		const r = await connect(victim, { cookie: reader.cookie });
		const watch = await connect(cluster.servers[0], { cookie: watcher.cookie });
		const tag = uniq('kill');
		const acked: number[] = [];
		w.ws.on('message', (data) => {
			const e = JSON.parse(String(data));
			if (e.type === 'message' && String(e.content).startsWith(tag) && e.from_id === writer.id)
				acked.push(e.id);
		});
		for (let i = 0; i < 200; i++) w.send({ type: 'message', content: `${tag} ${i}` });
		await until(() => acked.length >= 20);
		await victim.stop(true);
		const lastSeen = Math.max(0, ...messageIds(r));
		expect(acked.length).toBeGreaterThan(0);
		// Every acknowledged message is stored and reached the other process's clients.
		await until(() => acked.every((id) => ofRun(watch, tag).some((e) => e.id === id)));
		// The killed process's reader resumes on another process: what it missed, once, in order.
		const back = await connect(cluster.servers[1], { cookie: reader.cookie });
		back.send({ type: 'resume', after_id: lastSeen });
		await back.next('resumed');
		const expected = ofRun(watch, tag)
			.map((e) => e.id as number)
			.filter((id) => id > lastSeen);
		await until(() => expected.every((id) => messageIds(back).includes(id)));
		const resumed = messageIds(back);
		expect(resumed.filter((id) => expected.includes(id))).toEqual(expected);
		expect(new Set(resumed).size).toBe(resumed.length);
		await Promise.all([back.close(), watch.close()]);
	});
});
