import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/lib/server/realtime/connection';
import { RedisAttempts } from '../../src/lib/server/shared/redis-attempts';
import { RedisLimiter } from '../../src/lib/server/shared/redis-limiter';
import { RedisPresence } from '../../src/lib/server/shared/redis-presence';
import { nextError, uniq } from '../helpers/chat';
import { connect, register, userClient } from '../helpers/client';
import { redisClients, redisUrl, testPrefix } from '../helpers/redis';
import { startServer, type TestServer } from '../helpers/server';

/*
 * A real server with REDIS_URL, and a second "process" played by the test through the same
 * shared-state classes on the same prefix: what the other process does must count here.
 * (Whole clusters of servers are the cluster suite's.)
 */

const prefix = testPrefix('server');
const clients = redisClients(prefix);
let server: TestServer;

beforeAll(async () => {
	server = await startServer({
		REDIS_URL: redisUrl(),
		REDIS_PREFIX: prefix,
		PROCESS_ID: 'server-under-test',
		RATE_LIMIT_PER_SEC: '0.01',
		RATE_LIMIT_BURST: '5',
		ADDRESS_HEADER: 'x-forwarded-for'
	});
});
afterAll(async () => {
	await server?.dispose();
	await clients.dispose();
});

describe('a server with REDIS_URL shares its state with the other processes', () => {
	it('lists users connected to another process, and says they left when that process dies', async () => {
		const peer = new RedisPresence({
			redis: clients.open(),
			processId: 'peer',
			connections: () => [],
			news: { wentOffline() {}, cameOnline() {} },
			log: { warn() {}, error() {} },
			ttlMs: 300
		});
		// The peer beats once and never again (a killed process), holding one connection.
		await peer.tick();
		const remote = {
			id: 1,
			connectedAt: 1_700_000_000,
			identity: {
				id: 77_777,
				name: 'remote',
				username: 'remote',
				isAdmin: false,
				isGuest: false,
				sessionId: null
			}
		} as Connection;
		expect((await peer.arrived(remote, true)).first).toBe(true);

		const a = await userClient(server, uniq('rs'));
		const welcome = a.client.events[0];
		expect(welcome.content.server_stats.users_online).toBe(2);
		expect(a.client.events[1].content.map((u: { name: string }) => u.name)).toContain('remote');

		// The server's sweep finds the peer's heartbeat gone and announces its user's leave.
		const leave = await a.client.next(
			(e) => e.type === 'leave' && e.content.user_id === 77_777,
			10_000
		);
		expect(leave.content.users_online).toBe(1);
		a.client.send({ type: 'get_users' });
		const users = await a.client.next('users');
		expect(users.content.map((u: { id: number }) => u.id)).toEqual([a.user.id]);
		await a.client.close();
	});

	it('a user’s send budget spent on another process is spent here too', async () => {
		const { user, cookie } = await register(server, uniq('rl'));
		const peer = new RedisLimiter(clients.open(), 'send', 0.01, 5);
		for (let i = 0; i < 5; i++) expect((await peer.take(`user:${user.id}`)).ok).toBe(true);
		const client = await connect(server, { cookie });
		client.send({ type: 'message', content: 'one too many' });
		const err = await nextError(client);
		expect(err.code).toBe('rate_limited');
		await client.close();
	});

	it('login failures counted by another process throttle logins here', async () => {
		const username = uniq('th');
		await register(server, username);
		const peer = new RedisAttempts(clients.open(), 'login', 5, 15 * 60_000);
		for (let i = 0; i < 5; i++)
			expect(await peer.reserve(`${username.toLowerCase()}|203.0.113.9`)).not.toBeNull();
		const login = (address: string) =>
			fetch(`${server.url}/api/auth/login`, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					origin: server.url,
					'x-forwarded-for': address
				},
				body: JSON.stringify({ username, password: 'password123' })
			});
		// The right password too: the budget of guesses is spent.
		expect((await login('203.0.113.9')).status).toBe(429);
		// Another address is another pair.
		expect((await login('203.0.113.10')).status).toBe(200);
	});
});
