import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, userClient, type TestClient } from '../helpers/client';
import { nextError, sendAck } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

/**
 * What the web app needs from the server for issue 16 items 3, 6 and 7: structured
 * moderation notices kept with #general's history, the people directory, and errors
 * that carry their data as parameters beside the code.
 */

let server: TestServer;
let boss: { user: { id: number }; cookie: string; client: TestClient };
let seq = 0;
const fresh = (prefix: string) => userClient(server, `${prefix}${++seq}`);

beforeAll(async () => {
	server = await startServer({
		RATE_LIMIT_PER_SEC: '1',
		RATE_LIMIT_BURST: '3',
		MAX_MESSAGE_LENGTH: '50'
	});
	boss = await userClient(server, 'boss'); // the first account: admin
});
afterAll(() => server?.dispose());

async function history(client: TestClient, extra: Record<string, unknown> = {}) {
	client.send({ type: 'get_history', room: 'general', limit: 2, ...extra });
	return (await client.next((e) => e.type === 'history' && e.content.room === 'general')).content;
}

describe('moderation notices', () => {
	it('the live notice is structured: action, target, actor, reason, until, duration, audit id', async () => {
		const target = await fresh('noisy');
		const bystander = await fresh('watch');
		boss.client.send({
			type: 'mute',
			target_id: target.user.id,
			duration_seconds: 300,
			reason: 'spam'
		});
		const notice = (await bystander.client.next('moderation')).content;
		expect(notice).toMatchObject({
			action: 'mute',
			target_id: target.user.id,
			target_name: target.user.username,
			actor_id: boss.user.id,
			actor_name: 'boss',
			by_id: boss.user.id, // v1 fields stay
			by: 'boss',
			reason: 'spam',
			duration_seconds: 300
		});
		expect(notice.until - notice.timestamp).toBe(300);
		expect(notice.id).toBeGreaterThan(0);
		expect(notice.text).toMatch(/^noisy\d+ was muted for 5 minutes by boss: spam$/);
	});

	it('come back with the #general history page they fall in, once each across pages', async () => {
		const reader = await fresh('reader');
		const a = await fresh('kickA');
		const b = await fresh('kickB');
		await sendAck(reader.client, { type: 'message', room: 'general', content: 'one' });
		// Placement is by the clock's second (the audit log has no message id): a message in the
		// same second as an action counts as before it, so each step here is a second apart.
		await new Promise((r) => setTimeout(r, 1100));
		boss.client.send({ type: 'kick', target_id: a.user.id, reason: 'first' });
		await reader.client.next((e) => e.type === 'moderation' && e.content.target_id === a.user.id);
		await new Promise((r) => setTimeout(r, 1100));
		const two = await sendAck(reader.client, { type: 'message', room: 'general', content: 'two' });
		await new Promise((r) => setTimeout(r, 1100));
		boss.client.send({ type: 'kick', target_id: b.user.id, reason: 'second' });
		await reader.client.next((e) => e.type === 'moderation' && e.content.target_id === b.user.id);

		const newest = await history(reader.client, { limit: 1 });
		expect(newest.messages.map((m: { id: number }) => m.id)).toEqual([two.id]);
		const latestKicks = newest.notices.filter((n: { action: string }) => n.action === 'kick');
		expect(latestKicks.at(-1)).toMatchObject({
			target_id: b.user.id,
			reason: 'second',
			actor_name: 'boss',
			after_id: two.id
		});
		expect(latestKicks.some((n: { target_id: number }) => n.target_id === a.user.id)).toBe(false);

		const older = await history(reader.client, { limit: 1, before: two.id });
		const olderKicks = older.notices.filter(
			(n: { target_id: number }) => n.target_id === a.user.id
		);
		expect(olderKicks).toHaveLength(1);
		expect(olderKicks[0].after_id).toBeLessThan(two.id);
		expect(older.notices.some((n: { target_id: number }) => n.target_id === b.user.id)).toBe(false);
	});

	it('admin-only entries (accounts created by an admin) are not notices', async () => {
		const res = await fetch(`${server.url}/api/admin/users`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: boss.cookie },
			body: JSON.stringify({ username: `made${++seq}`, password: 'password123' })
		});
		expect(res.status).toBe(201);
		const page = await history(boss.client, { limit: 100 });
		expect(page.notices.every((n: { action: string }) => n.action !== 'create_user')).toBe(true);
	});

	it('other rooms carry no notices field', async () => {
		const who = await fresh('roomy');
		who.client.send({ type: 'create_room', name: `r${seq}` });
		await who.client.next('room_joined');
		who.client.send({ type: 'get_history', room: `r${seq}` });
		const page = (await who.client.next('history')).content;
		expect(page.notices).toBeUndefined();
	});
});

describe('people directory', () => {
	const dir = (cookie: string, query = '') =>
		fetch(`${server.url}/api/users${query}`, { headers: { cookie } });

	it('needs a session', async () => {
		expect((await dir('')).status).toBe(401);
	});

	it('lists accounts online first, offline ones too, searchable by username or name', async () => {
		const offline = await register(server, `zoffline${++seq}`);
		const online = await fresh('zonline');
		const res = await dir(online.cookie, '?q=zo&limit=50');
		expect(res.status).toBe(200);
		const body = await res.json();
		const names = body.users.map((u: { username: string }) => u.username);
		expect(names).toContain(offline.user.username);
		expect(names.indexOf(online.user.username)).toBeLessThan(names.indexOf(offline.user.username));
		expect(body.users.find((u: { id: number }) => u.id === online.user.id)).toMatchObject({
			online: true,
			is_admin: false
		});
		expect(body.users.find((u: { id: number }) => u.id === offline.user.id).online).toBe(false);
		const bossRow = (await (await dir(online.cookie, '?q=boss')).json()).users[0];
		expect(bossRow).toMatchObject({ username: 'boss', is_admin: true });
	});

	it('pages are bounded and continue where the last one ended', async () => {
		const who = await fresh('pager');
		for (let i = 0; i < 5; i++) await register(server, `pg${seq}x${i}`);
		const first = await (await dir(who.cookie, `?q=pg${seq}x&limit=3`)).json();
		expect(first.users).toHaveLength(3);
		expect(first).toMatchObject({ has_more: true, next_offset: 3 });
		const second = await (await dir(who.cookie, `?q=pg${seq}x&limit=3&offset=3`)).json();
		expect(second.users).toHaveLength(2);
		expect(second).toMatchObject({ has_more: false, next_offset: null });
		const all = [...first.users, ...second.users].map((u: { id: number }) => u.id);
		expect(new Set(all).size).toBe(5);
		for (const bad of ['?limit=51', '?limit=0', '?offset=-1', `?q=${'x'.repeat(65)}`]) {
			const res = await dir(who.cookie, bad);
			expect(res.status).toBe(400);
			expect((await res.json()).error.code).toBe('invalid_input');
		}
	});

	it('treats % and _ in the search as text', async () => {
		const who = await fresh('wild');
		const body = await (await dir(who.cookie, '?q=%25')).json();
		expect(body.users).toEqual([]);
	});
});

describe('errors carry their data as parameters', () => {
	it('muted: until and retry_after', async () => {
		const target = await fresh('hushed');
		boss.client.send({ type: 'mute', target_id: target.user.id, duration_seconds: 120 });
		const muted = await target.client.next('muted');
		target.client.send({ type: 'message', room: 'general', content: 'hi' });
		const error = await nextError(target.client);
		expect(error).toMatchObject({ code: 'muted', until: muted.content.until });
		expect((error as unknown as { retry_after: number }).retry_after).toBeGreaterThan(100);
	});

	it('too_large: max', async () => {
		const who = await fresh('long');
		who.client.send({ type: 'message', room: 'general', content: 'x'.repeat(51) });
		expect(await nextError(who.client)).toMatchObject({ code: 'too_large', max: 50 });
	});

	it('rate_limited: retry_after', async () => {
		const who = await fresh('fast');
		for (let i = 0; i < 5; i++)
			who.client.send({ type: 'message', room: 'general', content: `${i}` });
		const error = await nextError(who.client);
		expect(error).toMatchObject({ code: 'rate_limited', retry_after: 1 });
	});
});
