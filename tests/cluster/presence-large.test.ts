import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type TestClient } from '../helpers/client';
import { CROWD, prng } from '../helpers/chat';
import { pageDuringChurn, PeopleList, type OnlineUser } from '../helpers/presence';
import { startCluster, until, type Cluster } from './cluster';

/*
 * Coalesced presence across processes (docs/protocol.md, "Large communities (§13)"): each
 * process flushes the changes of its own connections; a client watching everything, on any
 * process, converges on who is online anywhere, with the exact count.
 */
let cluster: Cluster;
beforeAll(async () => {
	cluster = await startCluster(3, {
		...CROWD,
		PRESENCE_BROADCAST_MAX: '3',
		PRESENCE_FLUSH_MS: '100'
	});
}, 120_000);
afterAll(() => cluster?.dispose());

const idOf = (c: TestClient) => c.events.find((e) => e.type === 'welcome')!.content.user_id;

describe('large-community presence on three processes', () => {
	it('a watched, paged list converges while people come and go on every process', async () => {
		const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
		try {
			const random = prng(seed);
			const on = (i: number) => cluster.servers[i % 3]!;
			const viewer = await connect(on(0));
			viewer.send({ type: 'watch_presence', all: true });
			await viewer.next('presence');
			const from = viewer.events.length;
			const open: TestClient[] = await Promise.all(
				Array.from({ length: 15 }, (_, i) => connect(on(i)))
			);
			await pageDuringChurn(viewer, open, random, (k) => connect(on(k)));
			const truth = new Set([viewer, ...open].map(idOf));
			// One newcomer per process after the churn: once all three are reported, every
			// process has flushed what it saw before them.
			const markers = await Promise.all([0, 1, 2].map((i) => connect(on(i))));
			const markerIds = markers.map(idOf);
			for (const id of markerIds) truth.add(id);
			const unseen = new Set(markerIds);
			await viewer.next((e) => {
				if (e.type === 'presence')
					for (const u of (e.content.online ?? []) as OnlineUser[]) unseen.delete(u.id);
				return unseen.size === 0;
			}, 10_000);
			// The count is exact once every process has recorded its departures (with Redis a
			// departure is recorded a moment after the socket closed); a watch answers with it.
			await until(async () => {
				viewer.send({ type: 'watch_presence', all: true });
				const now = await viewer.next((e) => e.type === 'presence' && !e.content.online);
				return now.content.users_online === truth.size;
			}, 10_000);
			const list = new PeopleList();
			for (const e of viewer.events.slice(from)) list.apply(e);
			expect(list.ids).toEqual(truth);
			await Promise.all([...open, ...markers, viewer].map((c) => c.close()));
		} catch (err) {
			console.error(`cluster presence convergence failed with SEED=${seed}`);
			throw err;
		}
	}, 60_000);
});
