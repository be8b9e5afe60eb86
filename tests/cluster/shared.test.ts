import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register, upgradeStatus, type TestClient } from '../helpers/client';
import { sendAck, uniq } from '../helpers/chat';
import { startCluster, until, type Cluster } from './cluster';

/**
 * What several processes share through Redis, seen by clients of different processes
 * (PROTOCOL.md §14): presence and exact counts, typing, receipts, moderation, rate limits,
 * a flood cut-off.
 */
let cluster: Cluster;
let boss: { cookie: string; id: number; client: TestClient };
beforeAll(async () => {
	cluster = await startCluster(3);
	const r = await register(cluster.servers[0], 'boss'); // the first account: admin
	boss = {
		cookie: r.cookie,
		id: r.user.id,
		client: await connect(cluster.servers[0], { cookie: r.cookie })
	};
}, 120_000);
afterAll(async () => {
	await boss?.client.close();
	await cluster?.dispose();
});

async function person(on: number) {
	const r = await register(cluster.servers[on], uniq('sh'));
	return { ...r, client: await connect(cluster.servers[on], { cookie: r.cookie }) };
}

describe('shared across three processes', () => {
	it('presence: join once for a user’s first connection anywhere, leave after the last, exact counts', async () => {
		const a = await person(0);
		const bReg = await register(cluster.servers[1], uniq('shb'));
		const b1 = await connect(cluster.servers[1], { cookie: bReg.cookie });
		const join = await a.client.next(
			(e) => e.type === 'join' && e.content.user_id === bReg.user.id
		);
		const online = join.content.users_online;
		// A second tab on a third process: no second join, the same count.
		const b2 = await connect(cluster.servers[2], { cookie: bReg.cookie });
		const welcome = b2.events.find((e) => e.type === 'welcome')!;
		expect(welcome.content.server_stats.users_online).toBe(online);
		a.client.send({ type: 'get_users' });
		const users = await a.client.next('users');
		expect(users.content.filter((u: { id: number }) => u.id === bReg.user.id)).toHaveLength(1);
		await b1.close();
		await b2.close();
		const leave = await a.client.next(
			(e) => e.type === 'leave' && e.content.user_id === bReg.user.id
		);
		expect(leave.content.users_online).toBe(online - 1);
		expect(a.client.all('join').filter((e) => e.content.user_id === bReg.user.id)).toHaveLength(1);
		await a.client.close();
	});

	it('typing and receipts reach the other process', async () => {
		const a = await person(0);
		const b = await person(1);
		a.client.send({ type: 'typing', is_typing: true });
		const typing = await b.client.next(
			(e) => e.type === 'typing' && e.content.user_id === a.user.id
		);
		expect(typing.content.is_typing).toBe(true);
		const m = await sendAck(a.client, { type: 'message', content: uniq('read me') });
		await b.client.next((e) => e.id === m.id);
		b.client.send({ type: 'read', message_id: m.id });
		const read = await a.client.next('message_read');
		expect(read.content).toMatchObject({ message_id: m.id, read_by: b.user.id });
		const third = await connect(cluster.servers[2], { cookie: a.cookie });
		third.send({ type: 'get_receipts', message_id: m.id });
		const receipts = await third.next('receipts');
		expect(receipts.content.read_by.map((r: { user_id: number }) => r.user_id)).toContain(
			b.user.id
		);
		await Promise.all([a.client.close(), b.client.close(), third.close()]);
	});

	it('moderation: a kick closes the user’s tabs on every process; a mute holds on every process', async () => {
		const t = await person(1);
		const tab2 = await connect(cluster.servers[2], { cookie: t.cookie });
		boss.client.send({ type: 'kick', target_id: String(t.user.id), reason: 'cool off' });
		for (const tab of [t.client, tab2]) {
			expect((await tab.next('kicked')).content).toMatchObject({ reason: 'cool off' });
			expect(await tab.closed).toBe(4000);
		}
		const m = await person(2);
		boss.client.send({ type: 'mute', target_id: m.user.id, duration_seconds: 60, reason: 'shh' });
		await m.client.next('muted');
		const other = await connect(cluster.servers[1], { cookie: m.cookie });
		other.send({ type: 'message', content: 'from the other process' });
		const err = await other.next('error');
		expect(err.content.code).toBe('muted');
		await Promise.all([m.client.close(), other.close()]);
	});
});

describe('a rate limit shared by two processes', () => {
	let pair: Cluster;
	beforeAll(async () => {
		pair = await startCluster(2, { RATE_LIMIT_PER_SEC: '0.01', RATE_LIMIT_BURST: '6' });
	}, 120_000);
	afterAll(() => pair?.dispose());

	it('one bucket per user across processes: sends fired at once on both pass exactly the burst', async () => {
		await register(pair.servers[0], uniq('admin')); // the first account is an admin: no limit
		const r = await register(pair.servers[0], uniq('rl'));
		const c0 = await connect(pair.servers[0], { cookie: r.cookie });
		const c1 = await connect(pair.servers[1], { cookie: r.cookie });
		const tag = uniq('burst');
		for (let i = 0; i < 6; i++) {
			c0.send({ type: 'message', content: `${tag} a${i}`, client_id: `${tag}a${i}` });
			c1.send({ type: 'message', content: `${tag} b${i}`, client_id: `${tag}b${i}` });
		}
		const answered = (c: TestClient, side: string) =>
			Array.from({ length: 6 }, (_, i) =>
				c.events.find(
					(e) =>
						(e.type === 'message' && e.client_id === `${tag}${side}${i}`) ||
						(e.type === 'error' && e.content.client_id === `${tag}${side}${i}`)
				)
			);
		await until(() => [...answered(c0, 'a'), ...answered(c1, 'b')].every(Boolean));
		const all = [...answered(c0, 'a'), ...answered(c1, 'b')].map((e) => e!);
		expect(all.filter((e) => e.type === 'message')).toHaveLength(6);
		expect(all.filter((e) => e.type === 'error').map((e) => e.content.code)).toEqual(
			Array(6).fill('rate_limited')
		);
		await Promise.all([c0.close(), c1.close()]);
	});

	it('a flood cut-off on one process is refused (429) at the upgrade on every process', async () => {
		const r = await register(pair.servers[0], uniq('flood'));
		const flooder = await connect(pair.servers[0], { cookie: r.cookie });
		for (let i = 0; i < 1300; i++) flooder.ws.send('{"type":"ping"}');
		expect(await flooder.closed).toBe(1008);
		for (const server of pair.servers)
			await until(async () => (await upgradeStatus(server, '/ws', { cookie: r.cookie })) === 429);
		const other = await register(pair.servers[1], uniq('bystander')); // anyone else is let in
		expect(await upgradeStatus(pair.servers[1], '/ws', { cookie: other.cookie })).toBe(101);
	});
});
