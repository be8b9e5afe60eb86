import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register, userClient } from '../helpers/client';
import { nextError, sendAck, uniq } from '../helpers/chat';
import { rawClient, writeDb } from '../helpers/raw';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Issue 10, findings 5–7 and 11: guest ids are never reused (so nothing addressed to a
 * guest can be read by a later one), a mute covers everything others see, guests share a
 * send rate per address, and names cannot pass for someone else (get_receipts' index:
 * sqlite-query-plans.test.ts).
 */

describe('guest ids (GUESTS=1)', () => {
	it('a new guest after a restart never gets the id of a guest that only received a DM', async () => {
		let server = await startServer({ GUESTS: '1' });
		try {
			const account = await userClient(server, uniq('dmsender'));
			const guest = await connect(server, { origin: null });
			const guestId = guest.events.find((e) => e.type === 'welcome')!.content.user_id as number;
			await sendAck(account.client, { type: 'private_message', to_id: guestId, content: 'secret' });
			await guest.next('private_message');
			await Promise.all([guest.close(), account.client.close()]);

			server = await server.restart();
			const next = await connect(server, { origin: null });
			const nextId = next.events.find((e) => e.type === 'welcome')!.content.user_id as number;
			expect(nextId).toBeGreaterThan(guestId);
			next.send({ type: 'resume', after_id: 0 });
			await next.next('resumed');
			next.send({ type: 'get_history', with: account.user.id });
			const page = await next.next((e) => e.type === 'history' && e.content.with !== undefined);
			expect(page.content.messages).toEqual([]);
			expect(next.events.some((e) => e.content === 'secret')).toBe(false);
			await next.close();

			// Retention may delete every message that mentions a guest: ids still move on.
			await writeDb(server, 'DELETE FROM messages');
			server = await server.restart();
			const later = await connect(server, { origin: null });
			const laterId = later.events.find((e) => e.type === 'welcome')!.content.user_id as number;
			expect(laterId).toBeGreaterThan(nextId);
			await later.close();
		} finally {
			await server.dispose();
		}
	}, 60_000);
});

describe('mutes, guests and names', () => {
	let server: TestServer;
	let admin: Awaited<ReturnType<typeof member>>;
	beforeAll(async () => {
		server = await startServer({
			GUESTS: '1',
			ADDRESS_HEADER: 'x-forwarded-for',
			RATE_LIMIT_BURST: '3',
			RATE_LIMIT_PER_SEC: '0.01'
		});
		admin = await member('boss'); // the first account: an admin
	});
	afterAll(() => server?.dispose());

	/** A registered, connected user (from an address of its own). */
	async function member(prefix: string) {
		const res = await fetch(`${server.url}/api/auth/register`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				origin: server.url,
				'x-forwarded-for': '192.0.2.50'
			},
			body: JSON.stringify({ username: uniq(prefix), password: 'password123' })
		});
		const { user } = await res.json();
		const cookie = res.headers.getSetCookie()[0].split(';')[0];
		const client = await rawClient(server, {
			cookie,
			headers: { 'x-forwarded-for': '192.0.2.50' }
		});
		await client.next('history');
		return { user: user as { id: number; username: string; name: string }, client };
	}

	it('a muted user can neither create a room nor rename; others see nothing', async () => {
		const target = await member('muted');
		admin.client.send({ type: 'mute', target_id: target.user.id, duration_seconds: 300 });
		await target.client.next('muted');
		target.client.send({ type: 'create_room', name: uniq('loud').toLowerCase(), topic: 'spam' });
		expect((await nextError(target.client)).code).toBe('muted');
		target.client.send({ type: 'set_name', name: 'Loud' });
		expect((await nextError(target.client)).code).toBe('muted');
		await admin.client.request({ type: 'ping' }, 'pong');
		expect(admin.client.all('room_created')).toHaveLength(0);
		expect(admin.client.all('user_renamed')).toHaveLength(0);
		await target.client.close();
	});

	it('guests behind one address share one send rate: a new guest gets no fresh burst', async () => {
		const first = await rawClient(server, { headers: { 'x-forwarded-for': '198.51.100.20' } });
		await first.next('history');
		for (let i = 0; i < 3; i++) await sendAck(first, { type: 'message', content: `g${i}` });
		await first.close();
		const second = await rawClient(server, { headers: { 'x-forwarded-for': '198.51.100.20' } });
		await second.next('history');
		second.send({ type: 'message', content: 'again' });
		expect((await nextError(second)).code).toBe('rate_limited');
		// Another address is another guest rate.
		const elsewhere = await rawClient(server, { headers: { 'x-forwarded-for': '198.51.100.21' } });
		await elsewhere.next('history');
		await sendAck(elsewhere, { type: 'message', content: 'hello' });
		await Promise.all([second.close(), elsewhere.close()]);
	});

	it('refuses invisible characters and look-alikes of other users and of staff', async () => {
		const victim = await member('victim');
		await member('offline').then(async (m) => {
			m.client.send({ type: 'set_name', name: 'Zoë Quill' });
			await m.client.next('name_changed');
			await m.client.close();
		});
		const faker = await member('faker');
		const refused = [
			'racer3 (admin)', // the review's example
			'ΑDMIN', // Greek capital alpha
			'Sуstem', // Cyrillic у
			'm o d e r a t o r',
			'evil\u202Egnp', // right-to-left override
			'a\u200Bb', // zero-width space
			victim.user.name.toUpperCase(), // another user's name, other case
			victim.user.username.replace(/i/g, '1'), // digits for letters
			'Zoe Qui11', // a registered user who is offline
			'\u200B' // nothing visible at all
		];
		for (const name of refused) {
			faker.client.send({ type: 'set_name', name });
			expect((await nextError(faker.client)).code, JSON.stringify(name)).toBe('invalid_name');
		}
		expect(faker.client.all('name_changed')).toHaveLength(0);
		// One's own username in another case is fine, and so are ordinary names.
		for (const name of [faker.user.username.toUpperCase(), 'Zoë Quillon', 'Renée']) {
			faker.client.send({ type: 'set_name', name });
			expect((await faker.client.next('name_changed')).content.new_name).toBe(name);
		}
		// An admin may call itself admin.
		admin.client.send({ type: 'set_name', name: 'Admin Boss' });
		expect((await admin.client.next('name_changed')).content.new_name).toBe('Admin Boss');
		await Promise.all([victim.client.close(), faker.client.close()]);
	});

	it('history keeps the name a message was sent under, with the @username and admin flag', async () => {
		const author = await member('author');
		const said = await sendAck(author.client, { type: 'message', content: 'before the rename' });
		expect(said).toMatchObject({
			from_name: author.user.name,
			from_username: author.user.username
		});
		expect(said.from_is_admin).toBeUndefined();
		author.client.send({ type: 'set_name', name: 'Someone Else' });
		await author.client.next('name_changed');
		author.client.send({ type: 'get_history', room: 'general' });
		const page = await author.client.next('history');
		const old = page.content.messages.find((m: { id: number }) => m.id === said.id);
		expect(old).toMatchObject({ from_name: author.user.name, from_username: author.user.username });
		const fromAdmin = await sendAck(admin.client, { type: 'message', content: 'official' });
		expect(fromAdmin).toMatchObject({ from_is_admin: true, from_username: admin.user.username });
		// The users list carries usernames too.
		const users = (await author.client.request({ type: 'get_users' }, 'users')).content as {
			id: number;
			username: string | null;
		}[];
		expect(users.find((u) => u.id === author.user.id)!.username).toBe(author.user.username);
		await author.client.close();
	});

	it('refuses to register a username that looks like an existing name (409 taken)', async () => {
		// Sent without the ADDRESS_HEADER this server expects: such a request did not come
		// through the proxy, so its socket address counts (adapter-node alone answered 500).
		const real = uniq('olive');
		await register(server, real);
		const lookalike = real.replace('o', '0').replace('l', '1');
		const res = await fetch(`${server.url}/api/auth/register`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ username: lookalike, password: 'password123' })
		});
		expect(res.status).toBe(409);
		expect((await res.json()).error.code).toBe('taken');
	});
});
