import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register, userClient } from '../helpers/client';
import { nextError, sendAck, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(() => server?.dispose());

describe('presence', () => {
	it('users on connect; join to the others; two tabs are one user; leave on the last tab', async () => {
		const a = await userClient(server, uniq('pa'));
		const users = a.client.events[1];
		expect(users.type).toBe('users');
		expect(users.content).toEqual([
			{
				id: a.user.id,
				name: a.user.name,
				username: a.user.username,
				connected_at: expect.any(Number),
				is_admin: true,
				is_guest: false
			}
		]);

		const b = await register(server, uniq('pb'));
		const bTab1 = await connect(server, { cookie: b.cookie });
		const join = await a.client.next('join');
		expect(join).toMatchObject({
			from_id: b.user.id,
			from_name: b.user.name,
			content: { user_id: b.user.id, user_name: b.user.name, users_online: 2 }
		});
		expect(bTab1.all('join')).toHaveLength(0); // not to the newcomer itself

		// A second tab: no second join; users_online still counts users.
		const bTab2 = await connect(server, { cookie: b.cookie });
		expect(bTab2.events.find((e) => e.type === 'welcome')!.content.server_stats.users_online).toBe(
			2
		);
		const c = await userClient(server, uniq('pc'));
		expect((await a.client.next('join')).content).toMatchObject({
			user_id: c.user.id,
			users_online: 3
		});
		a.client.send({ type: 'get_users' });
		const online = (await a.client.next('users')).content as { id: number }[];
		expect(online.map((u) => u.id).sort()).toEqual([a.user.id, b.user.id, c.user.id].sort());

		// Closing one of two tabs is not a leave; the next leave a sees is c's.
		await bTab1.close();
		await c.client.close();
		const leaveC = await a.client.next('leave');
		expect(leaveC).toMatchObject({
			from_id: 0,
			from_name: 'System',
			content: { user_id: c.user.id, user_name: c.user.name, users_online: 2 }
		});
		await bTab2.close();
		expect((await a.client.next('leave')).content).toEqual({
			user_id: b.user.id,
			user_name: b.user.name,
			users_online: 1
		});
		await a.client.close();
	});

	it('get_stats answers stats', async () => {
		const a = await userClient(server, uniq('ps'));
		a.client.send({ type: 'get_stats' });
		const stats = await a.client.next('stats');
		expect(stats.content).toMatchObject({
			users_online: expect.any(Number),
			uptime_seconds: expect.any(Number),
			server_time: expect.any(Number)
		});
		expect(stats.content.users_online).toBeGreaterThanOrEqual(1);
		expect(Number.isInteger(stats.timestamp)).toBe(true);
		await a.client.close();
	});
});

describe('set_name', () => {
	it('name_changed to every tab of the user, user_renamed to everyone else', async () => {
		const a = await userClient(server, uniq('na'));
		const aTab2 = await connect(server, { cookie: a.cookie });
		const b = await userClient(server, uniq('nb'));
		a.client.send({ type: 'set_name', name: '  Alice Café  ' });
		const changed = await a.client.next('name_changed');
		expect(changed.content).toEqual({ old_name: a.user.name, new_name: 'Alice Café' });
		expect((await aTab2.next('name_changed')).content.new_name).toBe('Alice Café');
		expect((await b.client.next('user_renamed')).content).toEqual({
			user_id: a.user.id,
			old_name: a.user.name,
			new_name: 'Alice Café'
		});
		expect(a.client.all('user_renamed')).toHaveLength(0);
		// Later messages and the users list carry the new name.
		const m = await sendAck(a.client, { type: 'message', content: 'renamed' });
		expect(m.from_name).toBe('Alice Café');
		b.client.send({ type: 'get_users' });
		const users = (await b.client.next('users')).content as { id: number; name: string }[];
		expect(users.find((u) => u.id === a.user.id)!.name).toBe('Alice Café');
		await Promise.all([a.client.close(), aTab2.close(), b.client.close()]);
	});

	it('accepts exactly 20 characters', async () => {
		const a = await userClient(server, uniq('n20'));
		a.client.send({ type: 'set_name', name: 'x'.repeat(20) });
		expect((await a.client.next('name_changed')).content.new_name).toBe('x'.repeat(20));
		await a.client.close();
	});

	it.each([
		['empty', ''],
		['blank', '   '],
		['21 characters', 'y'.repeat(21)],
		['a control character', 'bad\u0007name'],
		['a newline', 'two\nlines'],
		['a number', 42],
		['missing', undefined]
	])('refuses %s with invalid_name', async (_label, name) => {
		const a = await userClient(server, uniq('nbad'));
		a.client.send({ type: 'set_name', name });
		expect(await nextError(a.client)).toEqual({
			code: 'invalid_name',
			message: 'Invalid name (1-20 characters required)'
		});
		await a.client.close();
	});
});
