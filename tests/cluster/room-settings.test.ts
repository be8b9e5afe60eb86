import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, register } from '../helpers/client';
import { nextError, sendAck, uniq } from '../helpers/chat';
import { startCluster, type Cluster } from './cluster';

/**
 * Issue 15 across processes: a notification setting changed on one device reaches the
 * user's connections on every process, and an archived room is read-only on every process
 * (each holds its rooms in memory; room_updated through Redis updates them).
 */
let cluster: Cluster;
beforeAll(async () => {
	cluster = await startCluster(2);
}, 120_000);
afterAll(() => cluster?.dispose());

describe('issue 15 settings on two processes', () => {
	it('a notification setting reaches every connection of the user, on both processes', async () => {
		const me = await register(cluster.servers[0], uniq('nt'));
		const peer = await register(cluster.servers[0], uniq('np'));
		const [here, there] = await Promise.all(
			cluster.servers.map((s) => connect(s, { cookie: me.cookie }))
		);
		here.send({ type: 'set_notifications', with: peer.user.id, level: 'nothing' });
		const expected = { with: peer.user.id, level: 'nothing', muted: false };
		expect((await here.next('notifications')).content).toEqual(expected);
		expect((await there.next('notifications')).content).toEqual(expected);
		there.send({ type: 'set_notifications', room: 'general', muted: true });
		expect((await here.next('notifications')).content).toEqual({
			room: 'general',
			level: 'mentions',
			muted: true
		});
		await Promise.all([here.close(), there.close()]);
	});

	it('a room archived on one process is read-only and unlisted on the other', async () => {
		const owner = await register(cluster.servers[0], uniq('ao'));
		const member = await register(cluster.servers[1], uniq('am'));
		const o = await connect(cluster.servers[0], { cookie: owner.cookie });
		const m = await connect(cluster.servers[1], { cookie: member.cookie });
		const room = uniq('arc').toLowerCase();
		o.send({ type: 'create_room', name: room });
		await o.next('room_joined');
		m.send({ type: 'join_room', room });
		await m.next('room_joined');
		o.send({ type: 'update_room', room, archived: true });
		const seen = await m.next((e) => e.type === 'room_updated' && e.content.room === room);
		expect(seen.content.archived).toBe(true);
		m.send({ type: 'message', room, content: 'still here?' });
		expect(await nextError(m)).toMatchObject({ code: 'archived' });
		m.send({ type: 'get_rooms' });
		const listed = (await m.next('rooms')).content.find((r: { name: string }) => r.name === room);
		expect(listed).toMatchObject({ archived: true });
		o.send({ type: 'update_room', room, archived: false });
		await m.next(
			(e) => e.type === 'room_updated' && e.content.room === room && !e.content.archived
		);
		await sendAck(m, { type: 'message', room, content: 'back' });
		await Promise.all([o.close(), m.close()]);
	});
});
