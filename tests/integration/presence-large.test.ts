import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type TestClient } from '../helpers/client';
import { CROWD, nextError, prng } from '../helpers/chat';
import { pageDuringChurn, PeopleList, type OnlineUser } from '../helpers/presence';
import { startServer, type TestServer } from '../helpers/server';

/*
 * Presence in a large community (PROTOCOL.md §13, docs/protocol.md "Large communities"):
 * above PRESENCE_BROADCAST_MAX, changes are coalesced into one `presence` frame per flush
 * interval, `users` is capped, and a client that wants the whole list watches and pages it.
 * Guests keep these tests cheap: each connection is a user of its own.
 */

/** Large from the fourth user on, flushed often: the tests wait for flushes. */
const LARGE_AT_4 = { ...CROWD, PRESENCE_BROADCAST_MAX: '3', PRESENCE_FLUSH_MS: '100' };

const PRESENCE_TYPES = new Set(['join', 'leave', 'presence']);

function userId(client: TestClient): number {
	return client.events.find((e) => e.type === 'welcome')!.content.user_id;
}

/** Opens `n` guest connections at once. */
function guests(server: TestServer, n: number): Promise<TestClient[]> {
	return Promise.all(Array.from({ length: n }, () => connect(server)));
}

describe('a connect storm above PRESENCE_BROADCAST_MAX', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({ ...CROWD, PRESENCE_BROADCAST_MAX: '20' });
	});
	afterAll(() => server?.dispose());

	it('1,000 connects cost each client about one presence frame a second, not one per connect', async () => {
		const observer = await connect(server);
		const started = Date.now();
		const crowd = await guests(server, 1000);
		// The count is exact once the last change is flushed.
		await observer.next((e) => e.type === 'presence' && e.content.users_online === 1001, 10_000);
		const seconds = Math.ceil((Date.now() - started) / 1000);

		let total = 0;
		for (const client of [observer, ...crowd]) {
			const frames = client.events.filter((e) => PRESENCE_TYPES.has(e.type));
			total += frames.length;
			// Up to 19 joins while the community was small, then at most one frame a second.
			expect(frames.filter((e) => e.type === 'join').length).toBeLessThanOrEqual(19);
			expect(frames.filter((e) => e.type === 'presence').length).toBeLessThanOrEqual(seconds + 1);
		}
		// Before coalescing this storm cost about 500,000 join frames.
		expect(total).toBeLessThan(1001 * (seconds + 1) + 400);

		// `users` is capped in the connection sequence and for get_users; welcome says where.
		const late = await connect(server);
		const welcome = late.events.find((e) => e.type === 'welcome')!;
		expect(welcome.content.presence_broadcast_max).toBe(20);
		expect(welcome.content.server_stats.users_online).toBe(1002);
		expect(late.events.find((e) => e.type === 'users')!.content.length).toBe(20);
		late.send({ type: 'get_users' });
		expect((await late.next('users')).content).toHaveLength(20);

		// Pages walk the whole list in ascending id order.
		const seen: number[] = [];
		let after = 0;
		for (;;) {
			late.send({ type: 'get_users', after_id: after, limit: 300 });
			const page = (await late.next('users_page')).content;
			expect(page.users_online).toBe(1002);
			seen.push(...page.users.map((u: OnlineUser) => u.id));
			if (page.next_after_id === null) break;
			after = page.next_after_id;
		}
		expect(seen).toHaveLength(1002);
		expect([...seen].sort((a, b) => a - b)).toEqual(seen);
		expect(new Set(seen)).toEqual(new Set([observer, late, ...crowd].map(userId)));

		await Promise.all([...crowd, observer, late].map((c) => c.close()));
	}, 120_000);
});

describe('watching presence in a large community', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer(LARGE_AT_4);
	});
	afterAll(() => server?.dispose());

	it('a watched user comes and goes for its watcher; the others hear the count only', async () => {
		const crowd = await guests(server, 5);
		const [watcher, bystander] = crowd;
		/** Watches `ids`; resolves with the answer (the state now), not a flush before it. */
		const watch = async (ids: number[]) => {
			watcher!.send({ type: 'watch_presence', user_ids: ids });
			return (
				await watcher!.next(
					(e) =>
						e.type === 'presence' &&
						ids.every(
							(id) =>
								(e.content.offline ?? []).includes(id) ||
								(e.content.online ?? []).some((u: OnlineUser) => u.id === id)
						)
				)
			).content;
		};
		try {
			const x = await connect(server);
			const xId = userId(x);
			await x.close();
			// The server records a departure a moment after the socket closed.
			while (!(await watch([xId])).offline?.includes(xId));

			const again = await connect(server);
			// A guest's id is new per connection: watch the new one too.
			const againId = userId(again);
			const state = await watch([xId, againId]);
			expect(state.online.map((u: OnlineUser) => u.id)).toEqual([againId]);
			expect(state.offline).toEqual([xId]);
			expect(state.users_online).toBe(6);

			await again.close();
			const gone = await watcher!.next(
				(e) => e.type === 'presence' && (e.content.offline ?? []).includes(againId)
			);
			expect(gone.content.users_online).toBe(5);
			expect(gone.content.online).toBeUndefined();
			const heard = await bystander!.next(
				(e) => e.type === 'presence' && e.content.users_online === 5
			);
			expect(heard.content).toEqual({ users_online: 5 });
		} finally {
			await Promise.all(crowd.map((c) => c.close()));
		}
	});

	it('bad watches and pages are refused', async () => {
		const c = await connect(server);
		c.send({ type: 'watch_presence', user_ids: Array.from({ length: 1001 }, (_, i) => i + 1) });
		expect((await nextError(c)).code).toBe('invalid_message');
		c.send({ type: 'get_users', limit: 0 });
		expect((await nextError(c)).code).toBe('invalid_message');
		c.send({ type: 'get_users', after_id: -1 });
		expect((await nextError(c)).code).toBe('invalid_message');
		await c.close();
	});

	it('a list watched then paged converges on who is online while people come and go', async () => {
		const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
		try {
			const random = prng(seed);
			const viewer = await connect(server);
			const open = await guests(server, 12);
			const list = new PeopleList();
			viewer.send({ type: 'watch_presence', all: true });
			await viewer.next('presence');
			const from = viewer.events.length;
			// Pages are read while connections open and close.
			await pageDuringChurn(viewer, open, random, () => connect(server));
			const truth = new Set([viewer, ...open].map(userId));
			// Changes are flushed in arrival order, all that wait at once: once a newcomer after
			// the churn is reported, everything before it has been.
			const marker = await connect(server);
			const markerId = userId(marker);
			await viewer.next(
				(e) =>
					e.type === 'presence' &&
					(e.content.online ?? []).some((u: OnlineUser) => u.id === markerId)
			);
			truth.add(markerId);
			for (const e of viewer.events.slice(from)) list.apply(e);
			if (process.env.DEBUG_PRESENCE)
				console.log(JSON.stringify(viewer.events.slice(from).filter((e) => e.type !== 'history')));
			expect(list.ids).toEqual(truth);
			expect(list.count).toBe(truth.size);
			await Promise.all([...open, marker, viewer].map((c) => c.close()));
		} catch (err) {
			console.error(`presence convergence failed with SEED=${seed}`);
			throw err;
		}
	});
});

describe('back under PRESENCE_BROADCAST_MAX', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer(LARGE_AT_4);
	});
	afterAll(() => server?.dispose());

	it('everyone gets the complete list again, then join and leave as in version 1', async () => {
		const [a, b, c, d] = await guests(server, 4); // 4 online: large
		await a!.next((e) => e.type === 'presence' && e.content.users_online === 4);
		await d!.close(); // 3 online: back to the threshold
		const list = await a!.next('users');
		expect(list.content.map((u: OnlineUser) => u.id).sort()).toEqual(
			[a, b, c].map((x) => userId(x!)).sort()
		);
		await c!.close();
		expect((await a!.next('leave')).content).toMatchObject({
			user_id: userId(c!),
			users_online: 2
		});
		const e = await connect(server);
		expect((await a!.next('join')).content).toMatchObject({
			user_id: userId(e),
			users_online: 3
		});
		await Promise.all([a, b, e].map((x) => x!.close()));
	});
});
