import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register } from '../helpers/client';
import { FAST, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

// PROTOCOL.md §11 and docs/protocol.md "Search": GET /api/search on a real server and
// database; messages go in through the HTTP API (the same services as the socket).

let server: TestServer;
beforeAll(async () => {
	// A generous search budget: these tests search a lot; one test lowers it on its own server.
	server = await startServer({ ...FAST, SEARCH_PER_SEC: '1000', SEARCH_BURST: '1000' });
	await register(server, uniq('first')); // the first account is the admin; keep it out of the way
});
afterAll(() => server?.dispose());

type Account = { user: { id: number; name: string }; cookie: string };

function call(method: string, path: string, cookie: string, body?: unknown) {
	return fetch(`${server.url}${path}`, {
		method,
		headers: { cookie, origin: server.url, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
}

async function post(who: Account, room: string, content: string): Promise<number> {
	const res = await call('POST', `/api/rooms/${room}/messages`, who.cookie, { content });
	expect(res.status).toBe(201);
	return (await res.json()).id;
}

async function dm(who: Account, to: Account, content: string): Promise<number> {
	const res = await call('POST', `/api/dm/${to.user.id}/messages`, who.cookie, { content });
	expect(res.status).toBe(201);
	return (await res.json()).id;
}

async function search(who: Account, params: Record<string, string | number>) {
	const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
	return call('GET', `/api/search?${qs}`, who.cookie);
}

/** The ids found, newest first (and the page's has_more). */
async function found(who: Account, params: Record<string, string | number>) {
	const res = await search(who, params);
	expect(res.status).toBe(200);
	const body = await res.json();
	return { ids: body.messages.map((m: { id: number }) => m.id) as number[], body };
}

/** A room of its own for a test, created (and so joined) by `owner`, joined by the others. */
async function roomWith(owner: Account, ...others: Account[]): Promise<string> {
	const name = uniq('sr').toLowerCase();
	const a = await connect(server, { cookie: owner.cookie });
	a.send({ type: 'create_room', name });
	await a.next('room_joined');
	await a.close();
	for (const o of others) {
		const c = await connect(server, { cookie: o.cookie });
		c.send({ type: 'join_room', room: name });
		await c.next('room_joined');
		await c.close();
	}
	return name;
}

describe('GET /api/search: matching', () => {
	it('ANDs words case-insensitively, matches "phrases" as written, newest first', async () => {
		const a = await register(server, uniq('sa'));
		const tag = uniq('w').toLowerCase(); // keeps this test's messages apart from the others'
		const both = await post(a, 'general', `${tag} The Quarterly BUDGET review`);
		const older = await post(a, 'general', `${tag} budget for the quarterly review`);
		await post(a, 'general', `${tag} budget only`);
		const newest = await post(a, 'general', `${tag} QUARTERLY budget, review it`);

		expect((await found(a, { q: `${tag} quarterly budget` })).ids).toEqual([newest, older, both]);
		expect((await found(a, { q: `${tag.toUpperCase()} BuDgEt QUARTERLY` })).ids).toEqual([
			newest,
			older,
			both
		]);
		// A phrase matches the words in that order, next to each other.
		expect((await found(a, { q: `${tag} "quarterly budget"` })).ids).toEqual([newest, both]);
		expect((await found(a, { q: `"${tag} budget only"` })).ids).toHaveLength(1);
		expect((await found(a, { q: `${tag} "budget quarterly"` })).ids).toEqual([]);
	});

	it('finds Chinese by 2- and 3-character substrings, and marks them in the snippet', async () => {
		const a = await register(server, uniq('sz'));
		const id = await post(a, 'general', '明天的会议改到三点');
		const other = await post(a, 'general', '我们开会吧');
		const two = await found(a, { q: '会议' });
		expect(two.ids).toContain(id);
		expect(two.ids).not.toContain(other);
		const hit = two.body.messages.find((m: { id: number }) => m.id === id);
		expect(hit).toMatchObject({
			type: 'message',
			room: 'general',
			content: '明天的会议改到三点',
			snippet: { text: '明天的会议改到三点', marks: [[3, 5]] }
		});
		expect((await found(a, { q: '会议改' })).ids).toContain(id);
		// At the very end of a message too (the index's sentinel), and two 2-character terms.
		expect((await found(a, { q: '三点' })).ids).toContain(id);
		expect((await found(a, { q: '明天 三点' })).ids).toContain(id);
		expect((await found(a, { q: '三点 开会' })).ids).not.toContain(id);
	});

	it('finds a 2-character English term as a substring, and cuts long snippets around the match', async () => {
		const a = await register(server, uniq('sl'));
		const tag = uniq('x').toLowerCase();
		const long = `${'a'.repeat(300)} ${tag} Zq ${'b'.repeat(300)}`;
		const id = await post(a, 'general', long);
		const { body } = await found(a, { q: `zq ${tag}` });
		expect(body.messages.map((m: { id: number }) => m.id)).toEqual([id]);
		const { text, marks } = body.messages[0].snippet;
		expect(text.startsWith('…') && text.endsWith('…')).toBe(true);
		expect([...text].length).toBeLessThanOrEqual(162);
		const chars = [...text];
		expect(marks.map(([s, e]: [number, number]) => chars.slice(s, e).join(''))).toEqual([
			tag,
			'Zq'
		]);
	});

	it('finds an edited message by its new text only, and a deleted one never', async () => {
		const a = await register(server, uniq('se'));
		const tag = uniq('e').toLowerCase();
		const id = await post(a, 'general', `${tag} original wording`);
		expect((await found(a, { q: `${tag} original` })).ids).toEqual([id]);
		const edit = await call('PATCH', `/api/messages/${id}`, a.cookie, {
			content: `${tag} revised wording`
		});
		expect(edit.status).toBe(200);
		expect((await found(a, { q: `${tag} original` })).ids).toEqual([]);
		const { ids, body } = await found(a, { q: `${tag} revised` });
		expect(ids).toEqual([id]);
		expect(body.messages[0].content).toBe(`${tag} revised wording`);
		expect(body.messages[0].edited_at).toEqual(expect.any(Number));

		expect((await call('DELETE', `/api/messages/${id}`, a.cookie)).status).toBe(204);
		expect((await found(a, { q: `${tag} revised` })).ids).toEqual([]);
		expect((await found(a, { q: tag })).ids).toEqual([]);
	});
});

describe('GET /api/search: filters and pages', () => {
	it('filters by room, with, from and before; pages with limit and has_more', async () => {
		const a = await register(server, uniq('fa'));
		const b = await register(server, uniq('fb'));
		const room = await roomWith(a, b);
		const tag = uniq('f').toLowerCase();
		const g1 = await post(a, 'general', `${tag} in general by a`);
		const r1 = await post(a, room, `${tag} in the room by a`);
		const r2 = await post(b, room, `${tag} in the room by b`);
		const d1 = await dm(a, b, `${tag} a private word`);
		const g2 = await post(b, 'general', `${tag} in general by b`);

		expect((await found(a, { q: tag })).ids).toEqual([g2, d1, r2, r1, g1]);
		expect((await found(a, { q: tag, room })).ids).toEqual([r2, r1]);
		expect((await found(a, { q: tag, room: 'general' })).ids).toEqual([g2, g1]);
		expect((await found(a, { q: tag, from: b.user.id })).ids).toEqual([g2, r2]);
		expect((await found(a, { q: tag, room, from: a.user.id })).ids).toEqual([r1]);
		expect((await found(a, { q: tag, before: r2 })).ids).toEqual([r1, g1]);

		// A DM result carries `with`: the other party, from either side.
		const withB = await found(a, { q: tag, with: b.user.id });
		expect(withB.ids).toEqual([d1]);
		expect(withB.body.messages[0]).toMatchObject({ type: 'private_message_sent', with: b.user.id });
		const withA = await found(b, { q: tag, with: a.user.id });
		expect(withA.body.messages[0]).toMatchObject({ type: 'private_message', with: a.user.id });

		const first = await found(a, { q: tag, limit: 2 });
		expect(first.ids).toEqual([g2, d1]);
		expect(first.body.has_more).toBe(true);
		const second = await found(a, { q: tag, limit: 2, before: d1 });
		expect(second.ids).toEqual([r2, r1]);
		expect(second.body.has_more).toBe(true);
		const last = await found(a, { q: tag, limit: 2, before: r1 });
		expect(last.ids).toEqual([g1]);
		expect(last.body.has_more).toBe(false);
		expect((await found(a, { q: tag })).body.messages).toHaveLength(5); // default 20
	});

	it('shows only what the user may see now: never others’ DMs, never a room left', async () => {
		const a = await register(server, uniq('pa'));
		const b = await register(server, uniq('pb'));
		const c = await register(server, uniq('pc'));
		const tag = uniq('p').toLowerCase();
		const secret = await dm(a, b, `${tag} just between us`);
		expect((await found(b, { q: tag })).ids).toEqual([secret]);
		expect((await found(c, { q: tag })).ids).toEqual([]);
		expect((await found(c, { q: tag, with: a.user.id })).ids).toEqual([]);
		expect((await found(c, { q: tag, from: a.user.id })).ids).toEqual([]);

		const room = await roomWith(a, c);
		const inRoom = await post(a, room, `${tag} said in the room`);
		expect((await found(c, { q: tag })).ids).toEqual([inRoom]);
		const cSocket = await connect(server, { cookie: c.cookie });
		cSocket.send({ type: 'leave_room', room });
		await cSocket.next('room_left');
		await cSocket.close();
		expect((await found(c, { q: tag })).ids).toEqual([]);
		expect((await search(c, { q: tag, room })).status).toBe(403);
		expect((await search(c, { q: tag, room: 'no-such-room' })).status).toBe(404);
	});
});

describe('GET /api/search: refusals', () => {
	it('401 without a session; 400 for an empty or 1-character query and bad parameters', async () => {
		const res = await fetch(`${server.url}/api/search?q=hello`);
		expect(res.status).toBe(401);
		expect((await res.json()).error.code).toBe('unauthorized');

		const a = await register(server, uniq('ra'));
		for (const params of [
			{},
			{ q: '' },
			{ q: 'a' },
			{ q: '会' },
			{ q: '   ' },
			{ q: 'a b c' },
			{ q: '""' },
			{ q: 'hello', limit: 0 },
			{ q: 'hello', limit: 51 },
			{ q: 'hello', before: 'x' },
			{ q: 'hello', room: 'general', with: 1 },
			{ q: 'hello', extra: 1 },
			{ q: 'x'.repeat(201) },
			{ q: 'a1 b2 c3 d4 e5 f6 g7 h8 i9' }
		] as Record<string, string | number>[]) {
			const r = await search(a, params);
			expect(r.status, JSON.stringify(params)).toBe(400);
			expect((await r.json()).error.code).toBe('invalid_input');
		}
		expect((await search(a, { q: 'ab' })).status).toBe(200);
	});

	it('has a per-user budget: 429 rate_limited with Retry-After past the burst', async () => {
		const small = await startServer({ SEARCH_PER_SEC: '0.1', SEARCH_BURST: '3' });
		try {
			const { cookie } = await register(small, uniq('rl'));
			const get = () =>
				fetch(`${small.url}/api/search?q=hello`, { headers: { cookie, origin: small.url } });
			for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
			const refused = await get();
			expect(refused.status).toBe(429);
			expect((await refused.json()).error.code).toBe('rate_limited');
			expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
			// Another account has its own budget.
			const other = await register(small, uniq('rl'));
			const res = await fetch(`${small.url}/api/search?q=hello`, {
				headers: { cookie: other.cookie, origin: small.url }
			});
			expect(res.status).toBe(200);
		} finally {
			await small.dispose();
		}
	});
});

describe('history around a message (opening a search result)', () => {
	it('get_history {around}: a window centred on the message, has_more and has_newer, then after/before both ways', async () => {
		const a = await register(server, uniq('ha'));
		const room = await roomWith(a);
		const ids: number[] = [];
		for (let i = 0; i < 30; i++) ids.push(await post(a, room, `line ${i}`));
		const ws = await connect(server, { cookie: a.cookie });
		const page = async (frame: Record<string, unknown>) => {
			ws.send({ type: 'get_history', room, ...frame });
			return (await ws.next('history')).content;
		};
		const ofIds = (p: { messages: { id: number }[] }) => p.messages.map((m) => m.id);

		const mid = await page({ around: ids[15], limit: 10 });
		expect(mid.room).toBe(room);
		expect(ofIds(mid)).toEqual(ids.slice(11, 21)); // 5 up to and with the message, 5 newer
		expect(mid).toMatchObject({ has_more: true, has_newer: true });

		// Scrolling down from the window's newest, then up from its oldest.
		const down = await page({ after: ids[20], limit: 10 });
		expect(ofIds(down)).toEqual(ids.slice(21, 30));
		expect(down).toMatchObject({ has_more: true, has_newer: false });
		const up = await page({ before: ids[11], limit: 20 });
		expect(ofIds(up)).toEqual(ids.slice(0, 11));
		expect(up.has_more).toBe(false);
		expect(up.has_newer).toBeUndefined();

		// Near either end the other side fills the window.
		const start = await page({ around: ids[1], limit: 10 });
		expect(ofIds(start)).toEqual(ids.slice(0, 10));
		expect(start).toMatchObject({ has_more: false, has_newer: true });
		const end = await page({ around: ids[29], limit: 10 });
		expect(ofIds(end)).toEqual(ids.slice(20, 30));
		expect(end).toMatchObject({ has_more: true, has_newer: false });

		// A DM window, and refusals.
		const b = await register(server, uniq('hb'));
		const dmIds: number[] = [];
		for (let i = 0; i < 5; i++) dmIds.push(await dm(i % 2 ? a : b, i % 2 ? b : a, `dm ${i}`));
		ws.send({ type: 'get_history', with: b.user.id, around: dmIds[2], limit: 3 });
		const dmPage = (await ws.next('history')).content;
		expect(dmPage.with).toBe(b.user.id);
		expect(ofIds(dmPage)).toEqual(dmIds.slice(1, 4));
		expect(dmPage).toMatchObject({ has_more: true, has_newer: true });
		ws.send({ type: 'get_history', room, around: ids[3], before: ids[5] });
		expect((await ws.next('error')).content.code).toBe('invalid_message');
		await ws.close();
	});

	it('the HTTP history endpoints take around and after too', async () => {
		const a = await register(server, uniq('hh'));
		const room = await roomWith(a);
		const ids: number[] = [];
		for (let i = 0; i < 7; i++) ids.push(await post(a, room, `http ${i}`));
		const get = async (qs: string) => {
			const res = await call('GET', `/api/rooms/${room}/messages?${qs}`, a.cookie);
			return { status: res.status, body: await res.json() };
		};
		const around = await get(`around=${ids[3]}&limit=3`);
		expect(around.body.messages.map((m: { id: number }) => m.id)).toEqual(ids.slice(2, 5));
		expect(around.body).toMatchObject({ has_more: true, has_newer: true });
		const after = await get(`after=${ids[4]}`);
		expect(after.body.messages.map((m: { id: number }) => m.id)).toEqual(ids.slice(5));
		expect(after.body).toMatchObject({ has_more: true, has_newer: false });
		expect((await get(`around=${ids[3]}&after=${ids[1]}`)).status).toBe(400);
		expect((await get('around=0')).status).toBe(400);
	});
});
