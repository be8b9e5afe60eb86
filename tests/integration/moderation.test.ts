import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	connect,
	login,
	register,
	upgradeStatus,
	userClient,
	type TestClient
} from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Moderation (PROTOCOL.md §7, §9): every action over the WebSocket and over HTTP, the
 * rules, the effects on the target and on everyone else, and the audit log.
 */

let server: TestServer;
let boss: { user: { id: number }; cookie: string; client: TestClient };
let seq = 0;
/** A fresh, connected user for each test, so tests do not depend on each other. */
const fresh = (prefix: string) => userClient(server, `${prefix}${++seq}`);

beforeAll(async () => {
	server = await startServer({ RATE_LIMIT_BURST: '100' });
	boss = await userClient(server, 'boss'); // the first account: admin
});
afterAll(() => server?.dispose());

function act(cookie: string, body: unknown, srv = server) {
	return fetch(`${srv.url}/api/admin/actions`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie },
		body: JSON.stringify(body)
	});
}

async function audit(query = '', cookie = boss.cookie, srv = server) {
	const res = await fetch(`${srv.url}/api/admin/audit${query}`, { headers: { cookie } });
	expect(res.status).toBe(200);
	return (await res.json()) as Record<string, unknown>[];
}

const me = (cookie: string) => fetch(`${server.url}/api/me`, { headers: { cookie } });

/** A message from `client` to general: resolves with the echo or the error, whichever comes. */
async function trySend(client: TestClient, content: string) {
	client.send({ type: 'message', content });
	return client.next((e) => e.type === 'error' || (e.type === 'message' && e.content === content));
}

describe('kick', () => {
	it('over the WebSocket: kicked {reason, by} then 4000 on every tab; others get a notice', async () => {
		const target = await fresh('kickme');
		const secondTab = await connect(server, { cookie: target.cookie });
		const bystander = await fresh('watcher');

		boss.client.send({ type: 'kick', target_id: String(target.user.id), reason: 'cool off' });
		for (const tab of [target.client, secondTab]) {
			const kicked = await tab.next('kicked');
			expect(kicked).toMatchObject({ from_id: 0, content: { reason: 'cool off', by: 'boss' } });
			expect(await tab.closed).toBe(4000);
		}
		const notice = await bystander.client.next('moderation');
		expect(notice).toMatchObject({
			from_id: 0,
			from_name: 'System',
			content: {
				action: 'kick',
				target_id: target.user.id,
				target_name: target.user.username,
				by: 'boss',
				reason: 'cool off',
				until: null
			}
		});
		expect(typeof notice.timestamp).toBe('number');
		// The admin's own connection gets the notice too: that is its acknowledgement.
		await boss.client.next(
			(e) => e.type === 'moderation' && e.content.target_id === target.user.id
		);
		// Kicked, not banned: the session is over but the account may log in again.
		expect((await me(target.cookie)).status).toBe(401);
		expect((await login(server, target.user.username)).res.status).toBe(200);
	});

	it('over HTTP: 200 {ok: true} with the same effects', async () => {
		const target = await fresh('kickhttp');
		const res = await act(boss.cookie, {
			action: 'kick',
			target_id: target.user.id,
			reason: 'spam'
		});
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true });
		expect((await target.client.next('kicked')).content).toEqual({ reason: 'spam', by: 'boss' });
		expect(await target.client.closed).toBe(4000);
	});
});

describe('mute', () => {
	it('over the WebSocket: muted {until, reason}; message, image and DM refused; typing dropped', async () => {
		const target = await fresh('muteme');
		const peer = await fresh('peer');
		const before = Math.floor(Date.now() / 1000);
		boss.client.send({
			type: 'mute',
			target_id: target.user.id,
			duration_seconds: 300,
			reason: 'calm down'
		});
		const muted = await target.client.next('muted');
		expect(muted.content.reason).toBe('calm down');
		expect(muted.content.until).toBeGreaterThanOrEqual(before + 300);
		expect(muted.content.until).toBeLessThanOrEqual(before + 302);
		const notice = await peer.client.next('moderation');
		expect(notice.content).toMatchObject({ action: 'mute', until: muted.content.until });

		const refused = await trySend(target.client, 'can I talk?');
		expect(refused.type).toBe('error');
		expect(refused.content.code).toBe('muted');
		expect(refused.content.message).toContain(new Date(muted.content.until * 1000).toISOString());
		expect(refused.content.message).toMatch(/muted for 5 minutes/);

		target.client.send({ type: 'image', url: 'https://example.com/a.png' });
		expect((await target.client.next('error')).content.code).toBe('muted');
		target.client.send({ type: 'private_message', to_id: peer.user.id, content: 'psst' });
		expect((await target.client.next('error')).content.code).toBe('muted');

		// Typing is dropped silently: no error to the target, nothing to the room.
		target.client.send({ type: 'typing', is_typing: true, room: 'general' });
		await target.client.request({ type: 'ping' }, 'pong');
		boss.client.send({ type: 'typing', is_typing: true, room: 'general' });
		const typing = await peer.client.next('typing');
		expect(typing.content.user_id).toBe(boss.user.id);
		expect(target.client.all('error')).toHaveLength(3);

		// A reconnecting tab learns of the mute straight after the connection sequence.
		const tab = await connect(server, { cookie: target.cookie });
		expect((await tab.next('muted')).content).toMatchObject({ until: muted.content.until });
		await tab.close();
	});

	it('over HTTP, then unmute over both: unmuted, and sending works again', async () => {
		const target = await fresh('mutehttp');
		const res = await act(boss.cookie, {
			action: 'mute',
			target_id: target.user.id,
			duration_seconds: 3600,
			reason: 'flooding'
		});
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body.ok).toBe(true);
		const muted = await target.client.next('muted');
		expect(muted.content).toMatchObject({ reason: 'flooding', until: body.until });
		expect((await trySend(target.client, 'hello?')).content.code).toBe('muted');

		boss.client.send({ type: 'unmute', target_id: target.user.id });
		expect((await target.client.next('unmuted')).content.by).toBe('boss');
		expect((await trySend(target.client, 'back again')).type).toBe('message');

		await act(boss.cookie, { action: 'mute', target_id: target.user.id, duration_seconds: 60 });
		await target.client.next('muted');
		expect((await act(boss.cookie, { action: 'unmute', target_id: target.user.id })).status).toBe(
			200
		);
		await target.client.next('unmuted');
		expect((await trySend(target.client, 'and again')).type).toBe('message');
	});

	it('ends by itself: unmuted arrives when the time is up and the next send succeeds', async () => {
		const target = await fresh('shortmute');
		await act(boss.cookie, { action: 'mute', target_id: target.user.id, duration_seconds: 1 });
		await target.client.next('muted');
		expect((await trySend(target.client, 'too soon')).content.code).toBe('muted');
		const unmuted = await target.client.next('unmuted', 4000);
		expect(unmuted.content.by).toBe('System');
		expect((await trySend(target.client, 'free at last')).type).toBe('message');
	});

	it('rejects durations outside 1 second – 30 days', async () => {
		const target = await fresh('badmute');
		for (const duration_seconds of [undefined, 0, 30 * 24 * 3600 + 1, 1.5, '60']) {
			const res = await act(boss.cookie, {
				action: 'mute',
				target_id: target.user.id,
				duration_seconds
			});
			expect(res.status).toBe(400);
			expect((await res.json()).error.code).toBe('invalid_input');
		}
		boss.client.send({ type: 'mute', target_id: target.user.id, duration_seconds: 0 });
		expect((await boss.client.next('error')).content.code).toBe('invalid_message');
		expect((await trySend(target.client, 'never muted')).type).toBe('message');
	});
});

describe('ban', () => {
	it('over the WebSocket: banned then 1008; login 403; upgrade 403; unban lets them back', async () => {
		const target = await fresh('banme');
		const bystander = await fresh('seesban');
		boss.client.send({ type: 'ban', target_id: target.user.id, reason: 'abuse' });
		const banned = await target.client.next('banned');
		expect(banned.content).toEqual({ reason: 'abuse', by: 'boss' });
		expect(await target.client.closed).toBe(1008);
		expect((await bystander.client.next('moderation')).content).toMatchObject({
			action: 'ban',
			target_id: target.user.id,
			reason: 'abuse'
		});

		const refused = await login(server, target.user.username);
		expect(refused.res.status).toBe(403);
		const error = (await refused.res.json()).error;
		expect(error.code).toBe('banned');
		expect(error.message).toContain('abuse');
		expect(await upgradeStatus(server, '/ws', { cookie: target.cookie, origin: server.url })).toBe(
			403
		);
		expect((await me(target.cookie)).status).toBe(401);

		boss.client.send({ type: 'unban', target_id: target.user.id });
		await boss.client.next((e) => e.type === 'moderation' && e.content.action === 'unban');
		// Sessions from before the ban stay dead; a fresh login works.
		expect(await upgradeStatus(server, '/ws', { cookie: target.cookie, origin: server.url })).toBe(
			101
		);
		expect((await me(target.cookie)).status).toBe(401);
		const back = await login(server, target.user.username);
		expect(back.res.status).toBe(200);
		const client = await connect(server, { cookie: back.cookie });
		await client.close();
	});

	it('over HTTP, also for an account that is offline', async () => {
		const { user } = await register(server, `offline${++seq}`);
		const res = await act(boss.cookie, { action: 'ban', target_id: user.id, reason: 'spam bot' });
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true });
		expect((await login(server, user.username)).res.status).toBe(403);
		expect((await act(boss.cookie, { action: 'unban', target_id: user.id })).status).toBe(200);
		expect((await login(server, user.username)).res.status).toBe(200);
	});
});

describe('who may do what', () => {
	it('refuses non-admins: forbidden over the socket, 403 over HTTP, 401 logged out', async () => {
		const mallory = await fresh('mallory');
		const victim = await fresh('victim');
		for (const type of ['kick', 'ban', 'unban', 'unmute']) {
			mallory.client.send({ type, target_id: victim.user.id });
			expect((await mallory.client.next('error')).content.code).toBe('forbidden');
		}
		mallory.client.send({ type: 'mute', target_id: victim.user.id, duration_seconds: 60 });
		expect((await mallory.client.next('error')).content.code).toBe('forbidden');
		// Forbidden comes before not found: a non-admin learns nothing about ids.
		mallory.client.send({ type: 'kick', target_id: 999999 });
		expect((await mallory.client.next('error')).content.code).toBe('forbidden');

		const res = await act(mallory.cookie, { action: 'kick', target_id: victim.user.id });
		expect(res.status).toBe(403);
		expect((await res.json()).error.code).toBe('forbidden');
		expect((await act('', { action: 'kick', target_id: victim.user.id })).status).toBe(401);
		for (const path of ['audit', 'users', 'stats']) {
			const get = await fetch(`${server.url}/api/admin/${path}`, {
				headers: { cookie: mallory.cookie }
			});
			expect(get.status).toBe(403);
			expect((await fetch(`${server.url}/api/admin/${path}`)).status).toBe(401);
		}
		// Nothing happened to the victim.
		expect((await trySend(victim.client, 'still here')).type).toBe('message');
	});

	it('refuses actions on yourself and on another admin', async () => {
		const deputy = await fresh('deputy');
		expect((await act(boss.cookie, { action: 'promote', target_id: deputy.user.id })).status).toBe(
			200
		);
		for (const action of ['kick', 'mute', 'ban']) {
			const extra = action === 'mute' ? { duration_seconds: 60 } : {};
			for (const target_id of [deputy.user.id, boss.user.id]) {
				const res = await act(boss.cookie, { action, target_id, ...extra });
				expect(res.status).toBe(403);
				expect((await res.json()).error.code).toBe('forbidden');
				boss.client.send({ type: action, target_id, ...extra });
				expect((await boss.client.next('error')).content.code).toBe('forbidden');
			}
		}
		// The deputy, now an admin, cannot act on the boss either (over its open socket).
		deputy.client.send({ type: 'kick', target_id: boss.user.id });
		expect((await deputy.client.next('error')).content.code).toBe('forbidden');
		expect(boss.client.closeCode).toBeNull();
	});

	it('answers unknown targets with 404 / not_found and bad bodies with 400', async () => {
		const res = await act(boss.cookie, { action: 'kick', target_id: 424242 });
		expect(res.status).toBe(404);
		expect((await res.json()).error.code).toBe('not_found');
		boss.client.send({ type: 'ban', target_id: 424242 });
		expect((await boss.client.next('error')).content.code).toBe('not_found');
		for (const body of [
			{},
			{ action: 'smite', target_id: 2 },
			{ action: 'kick' },
			{ action: 'kick', target_id: -1 }
		]) {
			expect((await act(boss.cookie, body)).status).toBe(400);
		}
		const bad = await fetch(`${server.url}/api/admin/actions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: boss.cookie },
			body: '{nope'
		});
		expect(bad.status).toBe(400);
	});
});

describe('roles', () => {
	it('promote makes an admin at once (also on open sockets); demote undoes it; never yourself', async () => {
		const helper = await fresh('helper');
		const someone = await fresh('someone');
		helper.client.send({ type: 'kick', target_id: someone.user.id });
		expect((await helper.client.next('error')).content.code).toBe('forbidden');

		expect((await act(boss.cookie, { action: 'promote', target_id: helper.user.id })).status).toBe(
			200
		);
		const notice = await helper.client.next('moderation');
		expect(notice.content).toMatchObject({ action: 'promote', target_id: helper.user.id });
		expect((await (await me(helper.cookie)).json()).user.is_admin).toBe(true);
		// The new admin acts over its existing connection.
		helper.client.send({ type: 'mute', target_id: someone.user.id, duration_seconds: 30 });
		await someone.client.next('muted');

		// Not yourself, and not the last admin: the boss alone cannot demote itself.
		const self = await act(helper.cookie, { action: 'demote', target_id: helper.user.id });
		expect(self.status).toBe(403);
		expect((await act(helper.cookie, { action: 'demote', target_id: boss.user.id })).status).toBe(
			200
		);
		expect((await (await me(boss.cookie)).json()).user.is_admin).toBe(false);
		expect((await act(boss.cookie, { action: 'promote', target_id: boss.user.id })).status).toBe(
			403
		);
		expect((await act(helper.cookie, { action: 'promote', target_id: boss.user.id })).status).toBe(
			200
		);
		expect((await act(boss.cookie, { action: 'demote', target_id: helper.user.id })).status).toBe(
			200
		);
		expect((await (await me(helper.cookie)).json()).user.is_admin).toBe(false);
		const selfDemote = await act(boss.cookie, { action: 'demote', target_id: boss.user.id });
		expect(selfDemote.status).toBe(403);
		expect((await (await me(boss.cookie)).json()).user.is_admin).toBe(true);
	});
});

describe('accounts and the audit log', () => {
	it('lets an admin create accounts (201), nobody else', async () => {
		const post = (cookie: string, body: unknown) =>
			fetch(`${server.url}/api/admin/users`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', cookie },
				body: JSON.stringify(body)
			});
		const res = await post(boss.cookie, { username: 'made_by_boss', password: 'password123' });
		expect(res.status).toBe(201);
		const { user } = await res.json();
		expect(user).toEqual({
			id: user.id,
			username: 'made_by_boss',
			name: 'made_by_boss',
			is_admin: false
		});
		expect((await login(server, 'made_by_boss')).res.status).toBe(200);
		expect(
			(await post(boss.cookie, { username: 'made_by_boss', password: 'password123' })).status
		).toBe(409);
		expect((await post(boss.cookie, { username: 'x', password: 'password123' })).status).toBe(400);
		const { cookie } = await login(server, 'made_by_boss');
		expect((await post(cookie, { username: 'sneaky', password: 'password123' })).status).toBe(403);
	});

	it('records who did what to whom, why and until when, newest first, with paging', async () => {
		const target = await fresh('audited');
		await act(boss.cookie, {
			action: 'mute',
			target_id: target.user.id,
			duration_seconds: 120,
			reason: 'one'
		});
		const muted = await target.client.next('muted');
		await act(boss.cookie, { action: 'unmute', target_id: target.user.id, reason: 'two' });
		boss.client.send({ type: 'kick', target_id: target.user.id, reason: 'three' });
		await target.client.closed;
		// The kick is recorded right after the sockets close (a networked store takes a turn).
		await expect.poll(async () => (await audit('?limit=1'))[0]?.action).toBe('kick');

		const [kick, unmute, mute] = await audit('?limit=3');
		const now = Math.floor(Date.now() / 1000);
		expect(kick).toEqual({
			id: kick.id,
			action: 'kick',
			actor_id: boss.user.id,
			target_id: target.user.id,
			reason: 'three',
			until: null,
			created_at: kick.created_at
		});
		expect(Math.abs((kick.created_at as number) - now)).toBeLessThan(5);
		expect(unmute).toMatchObject({ action: 'unmute', reason: 'two', until: null });
		expect(mute).toMatchObject({ action: 'mute', reason: 'one', until: muted.content.until });
		expect(kick.id).toBeGreaterThan(unmute.id as number);
		expect(unmute.id).toBeGreaterThan(mute.id as number);

		// Paging back from an id continues where the page ended.
		const older = await audit(`?limit=2&before=${unmute.id}`);
		expect(older[0].id).toBe(mute.id);
		expect(older).toHaveLength(2);
		const named = await audit('?limit=1&names=1');
		expect(named[0]).toMatchObject({ actor_name: 'boss', target_name: target.user.username });
		expect(
			(await fetch(`${server.url}/api/admin/audit?limit=0`, { headers: { cookie: boss.cookie } }))
				.status
		).toBe(400);
		// Refused actions leave no trace.
		expect((await audit()).some((e) => e.actor_id !== boss.user.id && e.action === 'kick')).toBe(
			false
		);
	});

	it('serves the panel: users with live state, and the server figures', async () => {
		const target = await fresh('listed');
		await act(boss.cookie, { action: 'mute', target_id: target.user.id, duration_seconds: 600 });
		const res = await fetch(`${server.url}/api/admin/users?q=listed`, {
			headers: { cookie: boss.cookie }
		});
		const users = await res.json();
		expect(users).toHaveLength(1);
		expect(users[0]).toMatchObject({
			id: target.user.id,
			username: target.user.username,
			online: true,
			is_admin: false,
			banned: false
		});
		expect(users[0].muted_until).toBeGreaterThan(Date.now() / 1000);
		const stats = await (
			await fetch(`${server.url}/api/admin/stats`, { headers: { cookie: boss.cookie } })
		).json();
		expect(stats.users_online).toBeGreaterThanOrEqual(2);
		expect(stats.connections).toBeGreaterThanOrEqual(stats.users_online);
		expect(stats.messages_last_hour).toBeGreaterThan(0);
		expect(stats.uptime_seconds).toBeGreaterThanOrEqual(0);
	});
});

describe('across a restart', () => {
	it('keeps a mute (and the audit log); REGISTRATION=closed admits accounts an admin creates', async () => {
		let srv = await startServer({ REGISTRATION: 'closed' });
		try {
			const admin = await register(srv, 'owner');
			const create = await fetch(`${srv.url}/api/admin/users`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', cookie: admin.cookie },
				body: JSON.stringify({ username: 'newbie', password: 'password123' })
			});
			expect(create.status).toBe(201);
			const { user } = await create.json();
			await expect(register(srv, 'selfmade')).rejects.toThrow(/403/);
			const res = await act(
				admin.cookie,
				{ action: 'mute', target_id: user.id, duration_seconds: 3600, reason: 'until tomorrow' },
				srv
			);
			const { until } = await res.json();

			srv = await srv.restart(true);
			const { cookie } = await login(srv, 'newbie');
			const client = await connect(srv, { cookie });
			expect((await client.next('muted')).content).toEqual({ until, reason: 'until tomorrow' });
			const refused = await trySend(client, 'after restart');
			expect(refused.content.code).toBe('muted');
			const log = await audit('', admin.cookie, srv);
			expect(log.map((e) => e.action)).toEqual(['mute', 'create_user']);
			await client.close();
		} finally {
			await srv.dispose();
		}
	});
});

describe('guests (GUESTS=1)', () => {
	it('can be kicked and muted, but have no account to ban or promote', async () => {
		const srv = await startServer({ GUESTS: '1' });
		try {
			const admin = await userClient(srv, 'keeper');
			const guest = await connect(srv);
			const guestId = guest.events[0].content.user_id as number;
			expect(guest.events[0].content.is_guest).toBe(true);

			const mute = await act(
				admin.cookie,
				{ action: 'mute', target_id: guestId, duration_seconds: 60 },
				srv
			);
			expect(mute.status).toBe(200);
			await guest.next('muted');
			expect((await trySend(guest, 'guest talk')).content.code).toBe('muted');
			for (const action of ['ban', 'promote']) {
				const res = await act(admin.cookie, { action, target_id: guestId }, srv);
				expect(res.status).toBe(403);
			}
			admin.client.send({ type: 'kick', target_id: guestId, reason: 'bye' });
			expect((await guest.next('kicked')).content).toEqual({ reason: 'bye', by: 'keeper' });
			expect(await guest.closed).toBe(4000);
			// Once gone, the guest id is unknown.
			await admin.client.next((e) => e.type === 'leave' && e.content.user_id === guestId);
			expect((await act(admin.cookie, { action: 'kick', target_id: guestId }, srv)).status).toBe(
				404
			);
		} finally {
			await srv.dispose();
		}
	});
});
