import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register, type TestClient } from '../helpers/client';
import { FAST, nextError, uniq } from '../helpers/chat';
import { image } from '../helpers/files';
import { startServer, type TestServer } from '../helpers/server';

// docs/protocol.md "Profiles (issue 15)": avatars (square WebP, versioned URL, old one
// removed), status text and time zone, `profile_updated` to every connection.

let server: TestServer;
type Account = Awaited<ReturnType<typeof register>>;
let admin: Account, alice: Account, bob: Account, dave: Account;

beforeAll(async () => {
	server = await startServer({
		...FAST,
		GUESTS: '1',
		MAX_UPLOAD_BYTES: '300000',
		UPLOADS_PER_MINUTE: '1000'
	});
	admin = await register(server, uniq('first')); // the first account is the admin
	[alice, bob, dave] = await Promise.all(
		['alice', 'bob', 'dave'].map((n) => register(server, uniq(n)))
	);
});
afterAll(() => server?.dispose());

function postAvatar(
	cookie: string | undefined,
	bytes: Buffer | Uint8Array,
	opts: { origin?: string } = {}
): Promise<Response> {
	const form = new FormData();
	form.append('file', new Blob([new Uint8Array(bytes)]), 'me.png');
	return fetch(`${server.url}/api/me/avatar`, {
		method: 'POST',
		headers: { ...(cookie && { cookie }), origin: opts.origin ?? server.url },
		body: form
	});
}

function deleteAvatar(cookie: string): Promise<Response> {
	return fetch(`${server.url}/api/me/avatar`, {
		method: 'DELETE',
		headers: { cookie, origin: server.url }
	});
}

function putProfile(cookie: string, body: unknown): Promise<Response> {
	return fetch(`${server.url}/api/me/profile`, {
		method: 'PUT',
		headers: { cookie, origin: server.url, 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
}

const avatarBlobs = (userId: number) =>
	readdirSync(join(server.dir, 'uploads')).filter((f) => f.startsWith(`avatar-${userId}-`));

/** The next `profile_updated` about `userId`. */
const updated = (c: TestClient, userId: number) =>
	c.next((e) => e.type === 'profile_updated' && e.content.user_id === userId);

describe('avatars', () => {
	it('crops an upload to a 256 px square WebP, served with long cache and nosniff; others see it live', async () => {
		const watcher = await connect(server, { cookie: bob.cookie });
		const seen = updated(watcher, alice.user.id);
		const res = await postAvatar(alice.cookie, await image('png', 900, 500));
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body.avatar_url).toMatch(
			new RegExp(`^/avatars/${alice.user.id}/[A-Za-z0-9_-]{16}\\.webp$`)
		);
		expect(body).toMatchObject({ status: '', time_zone: '' });

		const event = await seen;
		expect(event.content).toEqual({ user_id: alice.user.id, ...body });

		// Anyone may fetch it: no cookie needed.
		const served = await fetch(`${server.url}${body.avatar_url}`);
		expect(served.status).toBe(200);
		expect(served.headers.get('content-type')).toBe('image/webp');
		expect(served.headers.get('x-content-type-options')).toBe('nosniff');
		expect(served.headers.get('content-security-policy')).toMatch(/sandbox/);
		expect(served.headers.get('cache-control')).toMatch(/max-age=31536000/);
		const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
		expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });

		// The directory and the profiles endpoint carry it.
		const one = await fetch(`${server.url}/api/users/${alice.user.id}`, {
			headers: { cookie: bob.cookie }
		});
		expect(await one.json()).toMatchObject({ avatar_url: body.avatar_url, status: '' });
		const many = await fetch(`${server.url}/api/profiles?ids=${alice.user.id},${bob.user.id}`, {
			headers: { cookie: bob.cookie }
		});
		const { profiles } = await many.json();
		expect(profiles).toEqual(
			expect.arrayContaining([
				{ id: alice.user.id, ...body },
				{ id: bob.user.id, avatar_url: null, status: '', time_zone: '' }
			])
		);
		await watcher.close();
	});

	it('replacing or removing an avatar removes the old blob and its URL', async () => {
		const first = await (await postAvatar(bob.cookie, await image('jpeg', 300, 300))).json();
		const second = await (await postAvatar(bob.cookie, await image('webp', 120, 400))).json();
		expect(second.avatar_url).not.toBe(first.avatar_url);
		expect(avatarBlobs(bob.user.id)).toHaveLength(1);
		expect((await fetch(`${server.url}${first.avatar_url}`)).status).toBe(404);
		expect((await fetch(`${server.url}${second.avatar_url}`)).status).toBe(200);

		const watcher = await connect(server, { cookie: alice.cookie });
		const seen = updated(watcher, bob.user.id);
		const res = await deleteAvatar(bob.cookie);
		expect(res.status).toBe(200);
		expect((await res.json()).avatar_url).toBeNull();
		expect((await seen).content.avatar_url).toBeNull();
		expect(avatarBlobs(bob.user.id)).toHaveLength(0);
		expect((await fetch(`${server.url}${second.avatar_url}`)).status).toBe(404);
		await watcher.close();
	});

	it('refuses what is not an image, cross-site and logged-out uploads', async () => {
		const before = readdirSync(join(server.dir, 'uploads'));
		const text = await postAvatar(alice.cookie, Buffer.from('<svg onload="alert(1)"></svg>'));
		expect(text.status).toBe(400);
		expect((await text.json()).error.code).toBe('not_an_image');
		// PNG magic, then garbage: sniffed as an image, but it does not decode.
		const broken = Buffer.concat([
			(await image('png', 10, 10)).subarray(0, 40),
			Buffer.alloc(200, 7)
		]);
		const bad = await postAvatar(alice.cookie, broken);
		expect(bad.status).toBe(400);
		expect((await bad.json()).error.code).toBe('not_an_image');
		expect(readdirSync(join(server.dir, 'uploads'))).toEqual(before);
		expect(existsSync(join(server.dir, 'uploads', 'tmp'))).toBe(true);
		expect(readdirSync(join(server.dir, 'uploads', 'tmp'))).toEqual([]);

		const anon = await postAvatar(undefined, await image('png', 10, 10));
		expect(anon.status).toBe(401);
		const foreign = await postAvatar(alice.cookie, await image('png', 10, 10), {
			origin: 'https://evil.example'
		});
		expect(foreign.status).toBe(403);
		const tooBig = await postAvatar(alice.cookie, Buffer.alloc(400_000, 1));
		expect(tooBig.status).toBe(413);
	});
});

describe('status and time zone', () => {
	it('set_profile stores them and everyone hears profile_updated', async () => {
		const me = await connect(server, { cookie: alice.cookie });
		const other = await connect(server, { cookie: bob.cookie });
		const mine = updated(me, alice.user.id);
		const theirs = updated(other, alice.user.id);
		me.send({ type: 'set_profile', status: '  In a meeting 🗓️  ', time_zone: 'asia/tokyo' });
		const event = await theirs;
		expect(event.content).toMatchObject({
			user_id: alice.user.id,
			status: 'In a meeting 🗓️',
			time_zone: 'Asia/Tokyo'
		});
		expect((await mine).content).toEqual(event.content);

		// Only what is given changes; '' clears.
		const next = updated(other, alice.user.id);
		me.send({ type: 'set_profile', time_zone: '' });
		expect((await next).content).toMatchObject({ status: 'In a meeting 🗓️', time_zone: '' });

		const res = await putProfile(alice.cookie, { time_zone: 'Europe/Paris' });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({
			status: 'In a meeting 🗓️',
			time_zone: 'Europe/Paris'
		});
		const one = await fetch(`${server.url}/api/users/${alice.user.id}`, {
			headers: { cookie: bob.cookie }
		});
		expect(await one.json()).toMatchObject({
			status: 'In a meeting 🗓️',
			time_zone: 'Europe/Paris'
		});
		await Promise.all([me.close(), other.close()]);
	});

	it('refuses a status too long or with control characters, and an unknown zone', async () => {
		const me = await connect(server, { cookie: alice.cookie });
		me.send({ type: 'set_profile', status: '😀'.repeat(81) });
		expect(await nextError(me)).toMatchObject({ code: 'too_large', max: 80 });
		me.send({ type: 'set_profile', status: 'a\u0007b' });
		expect((await nextError(me)).code).toBe('invalid_input');
		me.send({ type: 'set_profile', time_zone: 'Mars/Olympus_Mons' });
		expect((await nextError(me)).code).toBe('invalid_input');
		me.send({ type: 'set_profile' });
		expect((await nextError(me)).code).toBe('invalid_message');
		// 80 code points are fine (each emoji is two UTF-16 units).
		const ok = updated(me, alice.user.id);
		me.send({ type: 'set_profile', status: '😀'.repeat(80) });
		expect((await ok).content.status).toBe('😀'.repeat(80));

		const bad = await putProfile(alice.cookie, { time_zone: 'Nowhere/Land' });
		expect(bad.status).toBe(400);
		expect((await bad.json()).error.code).toBe('invalid_input');
		await me.close();
	});

	it('a muted user cannot change their status (it reaches everyone, like a name)', async () => {
		const mod = await connect(server, { cookie: admin.cookie });
		const me = await connect(server, { cookie: dave.cookie });
		mod.send({ type: 'mute', target_id: dave.user.id, duration_seconds: 60 });
		await me.next('muted');
		me.send({ type: 'set_profile', status: 'spam spam' });
		expect((await nextError(me)).code).toBe('muted');
		mod.send({ type: 'unmute', target_id: dave.user.id });
		await me.next('unmuted');
		const ok = updated(me, dave.user.id);
		me.send({ type: 'set_profile', status: 'back' });
		expect((await ok).content.status).toBe('back');
		await Promise.all([mod.close(), me.close()]);
	});

	it('a guest has no profile', async () => {
		const guest = await connect(server, { origin: null });
		guest.send({ type: 'set_profile', status: 'hello' });
		expect((await nextError(guest)).code).toBe('forbidden');
		await guest.close();
	});
});
