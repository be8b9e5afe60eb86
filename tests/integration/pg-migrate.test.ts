import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, login, userClient } from '../helpers/client';
import { sendAck } from '../helpers/chat';
import { queryDb } from '../helpers/db';
import { createTestDatabase, type TestDatabase } from '../helpers/pg';
import { runNpmScript } from '../helpers/npm-script';
import { startServer, type TestServer } from '../helpers/server';

/**
 * `npm run migrate-to-postgres -- FILE` (issue 12): a community made on SQLite moves to
 * PostgreSQL with its ids and seqs, and carries on there. Runs in integration-pg only.
 */

/** Runs the migration the way an operator would; resolves with its exit code and output. */
function migrateToPostgres(file: string, databaseUrl: string) {
	return runNpmScript('migrate-to-postgres', [file], databaseUrl);
}

const servers: TestServer[] = [];
const databases: TestDatabase[] = [];
afterEach(async () => {
	for (const s of servers.splice(0)) await s.dispose();
	for (const d of databases.splice(0)) await d.drop();
});

describe('migrate-to-postgres', () => {
	it('copies a SQLite community with its ids; the server carries on there', async () => {
		// A community on SQLite: messages, a DM, an edit, a reaction, a room of its own.
		const sqlite = await startServer({ CHAT_TEST_BACKEND: 'sqlite' });
		servers.push(sqlite);
		const alice = await userClient(sqlite, 'alice');
		const bob = await userClient(sqlite, 'bob');
		const first = await sendAck(alice.client, { type: 'message', content: 'hello' });
		const second = await sendAck(bob.client, { type: 'message', content: 'hi alice' });
		const dm = await sendAck(alice.client, {
			type: 'private_message',
			to_id: bob.user.id,
			content: 'psst'
		});
		alice.client.send({ type: 'edit_message', message_id: first.id, content: 'hello all' });
		await bob.client.next('message_edited');
		bob.client.send({ type: 'react', message_id: first.id, emoji: '👍', on: true });
		const reaction = await alice.client.next('reaction');
		alice.client.send({ type: 'create_room', name: 'moved' });
		await alice.client.next('room_joined');
		const cursor = second.id; // bob's client has everything up to here
		await Promise.all([alice.client.close(), bob.client.close()]);
		await sqlite.stop();

		const db = await createTestDatabase();
		databases.push(db);
		const migrated = await migrateToPostgres(sqlite.dbFile, db.url);
		expect(migrated.code, migrated.out).toBe(0);
		// Once there is data, the target is refused.
		const again = await migrateToPostgres(sqlite.dbFile, db.url);
		expect(again.code).toBe(1);
		expect(again.out).toMatch(/not empty/);
		const [head] = await queryDb<{ seq: number }>(db.url, 'SELECT seq FROM log_head');
		expect(head.seq).toBe(reaction.content.seq);
		// Member counts (kept by triggers) are the rows' count, not the copy plus the trigger's.
		const counts = await queryDb<{ name: string; member_count: number }>(
			db.url,
			"SELECT name, member_count FROM rooms WHERE name IN ('general', 'moved') ORDER BY name"
		);
		expect(counts.map((r) => [r.name, Number(r.member_count)])).toEqual([
			['general', 2],
			['moved', 1]
		]);

		const pg = await startServer({ DATABASE_URL: db.url });
		servers.push(pg);
		// The old session cookie and the password both still work.
		const back = await connect(pg, { cookie: bob.cookie });
		const history = back.all('history').at(-1)!.content.messages as { id: number }[];
		expect(history.map((m) => m.id)).toEqual([first.id, second.id]);
		expect((await login(pg, 'alice')).res.status).toBe(200);
		// Resume from bob's cursor: the DM, the edit and the reaction, in seq order.
		back.send({ type: 'resume', after_id: cursor });
		const resumed = await back.next('resumed');
		expect(resumed.content.last_id).toBe(reaction.content.seq);
		expect(
			back.events
				.filter((e) => ['private_message', 'message_edited', 'reaction'].includes(e.type))
				.map((e) => e.type)
		).toEqual(['private_message', 'message_edited', 'reaction']);
		expect(back.events.find((e) => e.type === 'private_message')!.id).toBe(dm.id);
		// New writes continue the sequences: the next seq, and new rooms and accounts.
		const next = await sendAck(back, { type: 'message', content: 'on postgres' });
		expect(next.id).toBe(reaction.content.seq + 1);
		back.send({ type: 'join_room', room: 'moved' });
		await back.next('room_joined');
		const carol = await userClient(pg, 'carol');
		expect(carol.user.id).toBe(bob.user.id + 1);
		await Promise.all([back.close(), carol.client.close()]);
	});

	it('refuses a target that already holds data', async () => {
		const db = await createTestDatabase();
		databases.push(db);
		const pg = await startServer({ DATABASE_URL: db.url });
		servers.push(pg);
		await userClient(pg, 'already').then((u) => u.client.close());
		const sqlite = await startServer({ CHAT_TEST_BACKEND: 'sqlite' });
		servers.push(sqlite);
		await sqlite.stop();
		const { code, out } = await migrateToPostgres(join(sqlite.dir, 'chat.db'), db.url);
		expect(code).toBe(1);
		expect(out).toMatch(/not empty \(users has 1 rows\)/);
	});
});
