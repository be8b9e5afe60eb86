import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, userClient, type Event } from '../helpers/client';
import { FAST, received, uniq } from '../helpers/chat';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Issue 16 item 2: member counts follow events. member_joined / member_left carry the room's
 * count after the change, and an account's first connection is announced in general.
 */
let server: TestServer;
beforeAll(async () => {
	server = await startServer(FAST);
});
afterAll(() => server?.dispose());

const generalCount = (welcome: Event) =>
	(welcome.content.rooms as { name: string; members: number }[]).find((r) => r.name === 'general')!
		.members;

describe('member counts', () => {
	it("a new account's first connection is announced in general with the new count, after its welcome", async () => {
		const a = await userClient(server, uniq('mc'));
		const before = generalCount(a.client.events.find((e) => e.type === 'welcome')!);
		const b = await userClient(server, uniq('mc'));
		const seen = await a.client.next(
			(e) => e.type === 'member_joined' && e.content.user_id === b.user.id
		);
		expect(seen.content).toMatchObject({
			room: 'general',
			user_name: b.user.name,
			members: before + 1
		});
		// The newcomer hears it too, after its welcome (the first event stays the welcome).
		expect(b.client.events[0].type).toBe('welcome');
		const own = await b.client.next(
			(e) => e.type === 'member_joined' && e.content.user_id === b.user.id
		);
		expect(own.content.members).toBe(before + 1);
		// A second connection of the same account is not a new member.
		const again = await connect(server, { cookie: b.cookie });
		a.client.send({ type: 'ping' });
		await a.client.next('pong');
		expect(
			a.client.events.filter((e) => e.type === 'member_joined' && e.content.user_id === b.user.id)
		).toHaveLength(1);
		await Promise.all([a.client.close(), b.client.close(), again.close()]);
	});

	it('joins and leaves carry the count after the change, to the joiner as well', async () => {
		const a = await userClient(server, uniq('mc'));
		const b = await userClient(server, uniq('mc'));
		const c = await userClient(server, uniq('mc'));
		const room = `mc-${Date.now().toString(36).slice(-5)}`;
		a.client.send({ type: 'create_room', name: room });
		await a.client.next('room_joined');
		// Two join at once: each event states a count, and the last one is right.
		b.client.send({ type: 'join_room', room });
		c.client.send({ type: 'join_room', room });
		// In either order (the two joins race): each looked for among everything received.
		const counts = [
			await received(
				a.client,
				(e) =>
					e.type === 'member_joined' && e.content.room === room && e.content.user_id === b.user.id
			),
			await received(
				a.client,
				(e) =>
					e.type === 'member_joined' && e.content.room === room && e.content.user_id === c.user.id
			)
		];
		// Each states the count after its own change; with the two racing on separate database
		// connections (PostgreSQL) both may already see the other: the last one is always right.
		const stated = counts.map((e) => e.content.members).sort();
		for (const n of stated) expect([2, 3]).toContain(n);
		expect(stated.at(-1)).toBe(3);
		const bOwn = await b.client.next(
			(e) =>
				e.type === 'member_joined' && e.content.room === room && e.content.user_id === b.user.id
		);
		expect([2, 3]).toContain(bOwn.content.members);
		c.client.send({ type: 'leave_room', room });
		const left = await a.client.next(
			(e) => e.type === 'member_left' && e.content.user_id === c.user.id
		);
		expect(left.content).toMatchObject({ room, members: 2 });
		await Promise.all([a.client.close(), b.client.close(), c.client.close()]);
	});
});
