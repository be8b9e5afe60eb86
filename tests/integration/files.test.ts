import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileContent } from '../../src/lib/protocol/payloads';
import { connect, register, type TestClient } from '../helpers/client';
import { FAST, nextError, sendAck, uniq } from '../helpers/chat';
import { download, image, upload } from '../helpers/files';
import { startServer, type TestServer } from '../helpers/server';

// PROTOCOL.md §12 and docs/protocol.md "Files": uploads streamed to disk, typed by their
// bytes, served only to those who can see a message carrying them, erased with the message.

const LIMIT = 300_000;
let server: TestServer;
type Account = Awaited<ReturnType<typeof register>>;
let alice: Account, bob: Account, carol: Account;

beforeAll(async () => {
	server = await startServer({
		...FAST,
		MAX_UPLOAD_BYTES: String(LIMIT),
		UPLOADS_PER_MINUTE: '1000'
	});
	await register(server, uniq('first')); // the first account is the admin
	[alice, bob, carol] = await Promise.all(
		['alice', 'bob', 'carol'].map((n) => register(server, uniq(n)))
	);
});
afterAll(() => server?.dispose());

async function uploaded(who: Account, bytes: Buffer | Uint8Array, name: string) {
	const res = await upload(server, who.cookie, bytes, name);
	expect(res.status).toBe(201);
	return (await res.json()) as FileContent & { id: string };
}

/** A room `owner` created, joined by `others`; their clients, subscribed. */
async function roomWith(owner: Account, ...others: Account[]) {
	const room = uniq('files').toLowerCase();
	const a = await connect(server, { cookie: owner.cookie });
	a.send({ type: 'create_room', name: room });
	await a.next('room_joined');
	const rest: TestClient[] = [];
	for (const o of others) {
		const c = await connect(server, { cookie: o.cookie });
		c.send({ type: 'join_room', room });
		await c.next('room_joined');
		rest.push(c);
	}
	return { room, owner: a, others: rest };
}

const blobsOnDisk = () => readdirSync(join(server.dir, 'uploads')).filter((f) => f !== 'tmp');

describe('uploads', () => {
	it.each([
		['png', 'image/png'],
		['jpeg', 'image/jpeg'],
		['gif', 'image/gif'],
		['webp', 'image/webp']
	] as const)('a %s image is measured, thumbnailed and served inline', async (format, type) => {
		const file = await uploaded(alice, await image(format, 800, 600), `photo.${format}`);
		expect(file).toMatchObject({
			content_type: type,
			width: 800,
			height: 600,
			name: `photo.${format}`
		});
		expect(file.url).toMatch(/^\/files\//);
		const res = await download(server, file.url, alice.cookie);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe(type);
		expect(res.headers.get('content-disposition')).toMatch(/^inline;/);
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('content-security-policy')).toMatch(/sandbox/);
		expect(res.headers.get('cache-control')).toMatch(/private/);
		expect(Number(res.headers.get('content-length'))).toBe(file.size);
		const thumb = await download(server, file.thumb_url!, alice.cookie);
		expect(thumb.status).toBe(200);
		expect(thumb.headers.get('content-type')).toBe('image/webp');
		const { default: sharp } = await import('sharp');
		const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
		expect(Math.max(meta.width!, meta.height!)).toBe(480);
	});

	it('HTML, SVG and HTML named .png are downloads of octet-stream, never inline', async () => {
		const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
		const svg = Buffer.from(
			'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
		);
		for (const [bytes, name] of [
			[html, 'page.html'],
			[svg, 'drawing.svg'],
			[html, 'innocent.png']
		] as const) {
			const res = await upload(server, alice.cookie, bytes, name, { type: 'image/png' });
			expect(res.status).toBe(201);
			const file = await res.json();
			expect(file.content_type).toBe('application/octet-stream');
			expect(file.width).toBeUndefined();
			expect(file.thumb_url).toBeUndefined();
			const got = await download(server, file.url, alice.cookie);
			expect(got.status).toBe(200);
			expect(got.headers.get('content-type')).toBe('application/octet-stream');
			expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);
			expect(got.headers.get('x-content-type-options')).toBe('nosniff');
			expect(got.headers.get('content-security-policy')).toMatch(/sandbox/);
		}
	});

	it('names lose paths, control characters and direction overrides', async () => {
		const bytes = Buffer.from('just text');
		const cases: [string, string][] = [
			['../../etc/passwd', 'passwd'],
			['..\\..\\windows\\win.ini', 'win.ini'],
			['evil\u202egnp.exe', 'evilgnp.exe'],
			['x\u200ey\u2066z.txt', 'xyz.txt'],
			['...', 'file']
		];
		for (const [given, kept] of cases) {
			const file = await uploaded(alice, bytes, given);
			expect(file.name).toBe(kept);
			const got = await download(server, file.url, alice.cookie);
			expect(got.headers.get('content-disposition')).toContain(encodeURIComponent(kept));
		}
		// Nothing was written outside the upload directory: every blob is named by its id.
		for (const f of blobsOnDisk()) expect(f).toMatch(/^[A-Za-z0-9_-]{22}(\.thumb)?$/);
	});

	it('413 over MAX_UPLOAD_BYTES, refused while streaming; at the limit it is taken', async () => {
		const before = blobsOnDisk().length;
		const over = await upload(server, alice.cookie, Buffer.alloc(LIMIT + 1, 7), 'big.bin');
		expect(over.status).toBe(413);
		expect((await over.json()).error).toMatchObject({ code: 'too_large', max: LIMIT });
		// Declared far beyond the limit: refused before the body is read.
		const huge = await upload(server, alice.cookie, Buffer.alloc(LIMIT * 4, 7), 'huge.bin');
		expect(huge.status).toBe(413);
		expect(blobsOnDisk().length).toBe(before);
		expect(readdirSync(join(server.dir, 'uploads', 'tmp'))).toEqual([]);
		const at = await uploaded(alice, Buffer.alloc(LIMIT, 7), 'exact.bin');
		expect(at.size).toBe(LIMIT);
	});

	it('uploads need an account, a form and our Origin', async () => {
		expect((await upload(server, undefined, Buffer.from('x'), 'a.txt')).status).toBe(401);
		const foreign = await upload(server, alice.cookie, Buffer.from('x'), 'a.txt', {
			origin: 'https://evil.example'
		});
		expect(foreign.status).toBe(403);
		const notForm = await fetch(`${server.url}/api/uploads`, {
			method: 'POST',
			headers: { cookie: alice.cookie, origin: server.url, 'content-type': 'application/json' },
			body: '{}'
		});
		expect(notForm.status).toBe(400);
		expect((await upload(server, alice.cookie, Buffer.alloc(0), 'empty.txt')).status).toBe(400);
		// A part header with a NUL in it: a malformed form, not a server error.
		const malformed = await fetch(`${server.url}/api/uploads`, {
			method: 'POST',
			headers: {
				cookie: alice.cookie,
				origin: server.url,
				'content-type': 'multipart/form-data; boundary=XX'
			},
			body: '--XX\r\nContent-Disposition: form-data; name="file"; filename="a\u0000\r\n\r\n\r\nx\r\n--XX--\r\n'
		});
		expect(malformed.status).toBe(400);
	});
});

describe('posting and access', () => {
	it('a file posted in a room reaches its members live; only they may fetch it', async () => {
		const { room, owner, others } = await roomWith(alice, bob);
		const file = await uploaded(alice, await image('png', 300, 200), 'shot.png');
		const echo = await sendAck(owner, {
			type: 'file',
			upload_id: file.id,
			room,
			content: 'look at this'
		});
		expect(echo).toMatchObject({ type: 'file', room, from_id: alice.user.id });
		expect(echo.content).toEqual({
			url: file.url,
			name: 'shot.png',
			size: file.size,
			content_type: 'image/png',
			width: 300,
			height: 200,
			thumb_url: file.thumb_url,
			caption: 'look at this'
		});
		const seen = await others[0].next((e) => e.type === 'file' && e.id === echo.id);
		expect(seen.content).toEqual(echo.content);
		expect((await download(server, file.url, bob.cookie)).status).toBe(200);
		expect((await download(server, file.thumb_url!, bob.cookie)).status).toBe(200);
		// Carol is not in the room; nobody without a session either.
		expect((await download(server, file.url, carol.cookie)).status).toBe(404);
		expect((await download(server, file.thumb_url!, carol.cookie)).status).toBe(404);
		expect((await download(server, file.url)).status).toBe(404);
		// History carries it as the same object.
		others[0].send({ type: 'get_history', room, limit: 5 });
		const history = await others[0].next('history');
		expect(history.content.messages.at(-1)).toMatchObject({ id: echo.id, content: echo.content });
		// Bob leaves: he no longer sees the room, nor its files.
		others[0].send({ type: 'leave_room', room });
		await others[0].next('room_left');
		expect((await download(server, file.url, bob.cookie)).status).toBe(404);
		await Promise.all([owner.close(), ...others.map((c) => c.close())]);
	});

	it('an unposted upload is its uploader’s alone; it is posted once, by its uploader', async () => {
		const file = await uploaded(alice, Buffer.from('notes'), 'notes.txt');
		expect((await download(server, file.url, bob.cookie)).status).toBe(404);
		const b = await connect(server, { cookie: bob.cookie });
		b.send({ type: 'file', upload_id: file.id });
		expect(await nextError(b)).toMatchObject({ code: 'not_found' });
		const a = await connect(server, { cookie: alice.cookie });
		const first = await sendAck(a, { type: 'file', upload_id: file.id, client_id: 'post-1' });
		// Sent again with its client_id (an outbox resend): the original comes back, once.
		const again = await sendAck(a, { type: 'file', upload_id: file.id, client_id: 'post-1' });
		expect(again.id).toBe(first.id);
		// Another post of the same upload is refused.
		a.send({ type: 'file', upload_id: file.id, client_id: 'post-2' });
		expect(await nextError(a)).toMatchObject({ code: 'not_found' });
		a.send({ type: 'file', upload_id: file.id });
		expect(await nextError(a)).toMatchObject({ code: 'not_found' });
		await Promise.all([a.close(), b.close()]);
	});

	it('a file in a DM: both parties fetch it, a third gets 404', async () => {
		const file = await uploaded(alice, Buffer.from('%PDF-1.4\n...'), 'report.pdf');
		const a = await connect(server, { cookie: alice.cookie });
		const b = await connect(server, { cookie: bob.cookie });
		const echo = await sendAck(a, { type: 'file', upload_id: file.id, to_id: bob.user.id }, 'file');
		expect(echo).toMatchObject({ type: 'file', to_id: bob.user.id });
		expect(echo.room).toBeUndefined();
		const got = await b.next((e) => e.type === 'file' && e.id === echo.id);
		expect(got.content).toMatchObject({ name: 'report.pdf', content_type: 'application/pdf' });
		expect((await download(server, file.url, bob.cookie)).status).toBe(200);
		expect((await download(server, file.url, carol.cookie)).status).toBe(404);
		await Promise.all([a.close(), b.close()]);
	});

	it('deleting the message deletes the file: the bytes leave the disk, the URL is 404', async () => {
		const { room, owner, others } = await roomWith(alice, bob);
		const file = await uploaded(alice, await image('jpeg', 640, 480), 'gone.jpg');
		const echo = await sendAck(owner, { type: 'file', upload_id: file.id, room });
		expect(existsSync(join(server.dir, 'uploads', file.id))).toBe(true);
		expect(existsSync(join(server.dir, 'uploads', `${file.id}.thumb`))).toBe(true);
		owner.send({ type: 'delete_message', message_id: echo.id });
		await others[0].next((e) => e.type === 'message_deleted' && e.content.message_id === echo.id);
		// The bytes go right after the deletion commits (and its event is out).
		// Both the file and its thumbnail (removed together, in parallel).
		const bytes = [file.id, `${file.id}.thumb`].map((f) => join(server.dir, 'uploads', f));
		await expect.poll(() => bytes.some((b) => existsSync(b))).toBe(false);
		expect((await download(server, file.url, alice.cookie)).status).toBe(404);
		await Promise.all([owner.close(), ...others.map((c) => c.close())]);
	});
});

describe('limits', () => {
	it('uploads are rate-limited per account: 429 with Retry-After', async () => {
		const limited = await startServer({ UPLOADS_PER_MINUTE: '2' });
		try {
			const who = await register(limited, uniq('rl'));
			const statuses = await Promise.all(
				Array.from({ length: 5 }, () => upload(limited, who.cookie, Buffer.from('x'), 'x.txt'))
			);
			const codes = statuses.map((r) => r.status).sort();
			expect(codes).toEqual([201, 201, 429, 429, 429]);
			expect(statuses.find((r) => r.status === 429)!.headers.get('retry-after')).toMatch(/^\d+$/);
		} finally {
			await limited.dispose();
		}
	});
});
