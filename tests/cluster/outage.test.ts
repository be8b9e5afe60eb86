import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register } from '../helpers/client';
import { MESSAGE_TYPES, nextError, uniq } from '../helpers/chat';
import { CuttableProxy, health, redisUrl, startCluster, until, type Cluster } from './cluster';

/**
 * Redis or PostgreSQL unreachable for a while (PROTOCOL.md §14, issue 12 item 4): `/healthz`
 * says 503, nothing is acknowledged that is not committed, what was committed reaches every
 * client once the link is back (no gap), and everything recovers by itself. The outage is a
 * proxy the test cuts, so the machine's own services (other tests use them) stay up.
 */
let cluster: Cluster;
let redisProxy: CuttableProxy;
let pgProxy: CuttableProxy;
beforeAll(async () => {
	const redis = new URL(redisUrl());
	redisProxy = new CuttableProxy(redis.hostname, Number(redis.port || 6379));
	await redisProxy.listen();
	cluster = await startCluster(2, {
		REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
		DATABASE_POOL_SIZE: '4'
	});
	const db = new URL(cluster.database.url);
	pgProxy = new CuttableProxy(db.hostname, Number(db.port || 5432));
	await pgProxy.listen();
	// A third process reaches PostgreSQL only through its own proxy.
	const viaProxy = new URL(cluster.database.url);
	viaProxy.port = String(pgProxy.port);
	await cluster.start({ DATABASE_URL: viaProxy.toString() });
}, 120_000);
afterAll(async () => {
	await cluster?.dispose();
	await redisProxy?.close();
	await pgProxy?.close();
});

const tagged = (tag: string) => (e: { type: string; content?: unknown }) =>
	MESSAGE_TYPES.has(e.type) && String(e.content ?? '').startsWith(tag);

describe('outages', () => {
	it('Redis unreachable: 503 on /healthz, sends committed then delivered to everyone after recovery, in order', async () => {
		const [p0, p1] = cluster.servers;
		const a = await register(p0, uniq('ra'));
		const b = await register(p1, uniq('rb'));
		const ca = await connect(p0, { cookie: a.cookie });
		const cb = await connect(p1, { cookie: b.cookie });
		const tag = uniq('redis');
		ca.send({ type: 'message', content: `${tag} before` });
		await cb.next(tagged(tag));

		redisProxy.cut();
		await until(async () => (await health(p0)) === 503 && (await health(p1)) === 503);
		// Reads keep working meanwhile.
		const page = await fetch(`${p0.url}/api/rooms/general/messages?limit=5`, {
			headers: { cookie: a.cookie }
		});
		expect(page.status).toBe(200);
		for (let i = 0; i < 5; i++) ca.send({ type: 'message', content: `${tag} during ${i}` });
		// Committed (the database has them) though no process could fan them out yet.
		await until(async () => {
			const r = await fetch(`${p1.url}/api/rooms/general/messages?limit=20`, {
				headers: { cookie: b.cookie }
			});
			const body = await r.json();
			return (
				body.messages.filter((m: { content: string }) => m.content.startsWith(`${tag} during`))
					.length === 5
			);
		});

		redisProxy.restore();
		// Every process, the third too (its Redis goes through the same proxy): the next test
		// starts from a healthy cluster.
		await until(async () => {
			const answers = await Promise.all(cluster.servers.map(health));
			return answers.every((status) => status === 200);
		});
		ca.send({ type: 'message', content: `${tag} after` });
		const expected = [
			`${tag} before`,
			...Array.from({ length: 5 }, (_, i) => `${tag} during ${i}`),
			`${tag} after`
		];
		for (const c of [ca, cb]) {
			await until(() => c.events.filter(tagged(tag)).length >= expected.length);
			const got = c.events.filter(tagged(tag));
			expect(got.map((e) => e.content)).toEqual(expected);
			const ids = got.map((e) => e.id as number);
			expect([...ids].sort((x, y) => x - y)).toEqual(ids);
		}
		await Promise.all([ca.close(), cb.close()]);
	});

	it('PostgreSQL unreachable: 503 on /healthz, sends refused with `unavailable` and never acknowledged, recovery by itself', async () => {
		const p2 = cluster.servers[2];
		const c = await register(p2, uniq('pg'));
		const client = await connect(p2, { cookie: c.cookie });
		const watcher = await connect(cluster.servers[0], { cookie: c.cookie });
		pgProxy.cut();
		await until(async () => (await health(p2)) === 503);
		const tag = uniq('pgdown');
		client.send({ type: 'message', content: `${tag} lost`, client_id: `${tag}-1` });
		const err = await nextError(client);
		expect(err.code).toBe('unavailable');
		expect(client.events.some(tagged(tag))).toBe(false);

		// More failed attempts while it is down: each one used to lengthen every pooled
		// connection's wait before its next try (to ~10–20 s after a short outage).
		for (let i = 0; i < 3; i++) expect(await health(p2)).toBe(503);

		pgProxy.restore();
		await until(async () => (await health(p2)) === 200, 10_000);
		// The same client_id again: stored now, once.
		client.send({ type: 'message', content: `${tag} kept`, client_id: `${tag}-1` });
		const echo = await client.next(tagged(tag), 15_000);
		expect(echo.content).toBe(`${tag} kept`);
		await watcher.next((e) => e.id === echo.id);
		expect(watcher.events.filter(tagged(tag)).map((e) => e.content)).toEqual([`${tag} kept`]);
		await Promise.all([client.close(), watcher.close()]);
	});
});
