import { afterEach, describe, expect, it } from 'vitest';
import type { NewMessage, Storage, WriteOp } from '$lib/server/storage';
import { openPostgresStorage } from '$lib/server/storage/postgres';
import { openSqliteStorage } from '$lib/server/storage/sqlite';
import { createTestDatabase, testDatabaseServer, type TestDatabase } from '../helpers/pg';

/**
 * messages.logRange: the whole log of a seq window, oldest first, for every audience (what
 * a process that missed bus events re-publishes). Runs on every backend the machine has.
 */
const backends: [string, () => Promise<Storage>][] = [
	['sqlite', () => openSqliteStorage(':memory:')]
];
const databases: TestDatabase[] = [];
if (testDatabaseServer()) {
	backends.push([
		'postgres',
		async () => {
			const db = await createTestDatabase();
			databases.push(db);
			return openPostgresStorage(db.url, { poolSize: 2 });
		}
	]);
}

const actor = { id: 7, name: 'alice' };

function create(body: string, over: Partial<NewMessage> = {}): WriteOp {
	return {
		create: {
			roomId: 1,
			room: 'general',
			senderId: actor.id,
			senderName: actor.name,
			senderUsername: null,
			senderIsAdmin: false,
			recipientId: null,
			recipientName: null,
			kind: 'text',
			body,
			clientId: null,
			mentions: [],
			replyToId: null,
			...over
		}
	};
}

describe.each(backends)('messages.logRange on %s', (_name, open) => {
	let storage: Storage | undefined;
	afterEach(async () => {
		await storage?.close();
		storage = undefined;
		for (const db of databases.splice(0)) await db.drop();
	});

	it('replays every audience in seq order, current state, paging forward', async () => {
		storage = await open();
		const m = storage.messages;
		const base = await m.maxSeq();
		await m.writeBatch(
			[
				create('one'),
				create('two'),
				create('dm', { roomId: null, room: null, recipientId: 9, recipientName: 'bob' }),
				create('four')
			],
			100
		);
		const [one, two, dm, four] = [base + 1, base + 2, base + 3, base + 4];
		await m.writeBatch(
			[
				{ change: { kind: 'edit', messageId: one, actor, body: 'one!', mentions: [] } },
				{ change: { kind: 'delete', messageId: two, actor } },
				{
					change: {
						kind: 'reaction',
						messageId: four,
						actor,
						emoji: '👍',
						on: true,
						maxDistinct: 20
					}
				},
				// Refused: takes no seq.
				{ change: { kind: 'delete', messageId: two, actor } }
			],
			101
		);
		const head = await m.maxSeq();
		expect(head).toBe(base + 7);

		const all = await m.logRange(base, head, 100);
		expect(all.lastSeq).toBe(head);
		const shape = all.entries.map((e) =>
			'message' in e ? `m${e.message.id}:${e.message.body}` : `${e.change.kind}${e.change.seq}`
		);
		// The deleted message is left out; its deletion is there; the edit carries the new body.
		expect(shape).toEqual([
			`m${one}:one!`,
			`m${dm}:dm`,
			`m${four}:four`,
			`edit${base + 5}`,
			`delete${base + 6}`,
			`reaction${base + 7}`
		]);

		// The oldest first, `limit` log rows a page; lastSeq is where the next page starts.
		const first = await m.logRange(base, head, 3);
		expect(first.lastSeq).toBe(base + 3);
		expect(first.entries.map((e) => ('message' in e ? e.message.id : -1))).toEqual([one, dm]);
		const second = await m.logRange(first.lastSeq, head, 3);
		expect(second.lastSeq).toBe(base + 6);
		const third = await m.logRange(second.lastSeq, head, 3);
		expect(third.lastSeq).toBe(head);
		expect(third.entries).toHaveLength(1);

		// Never past what is committed; an empty window stays where it is.
		expect((await m.logRange(base, head + 50, 100)).lastSeq).toBe(head);
		expect(await m.logRange(head, head + 50, 100)).toEqual({ entries: [], lastSeq: head });
	});

	it('advances past a window whose rows retention deleted', async () => {
		storage = await open();
		const m = storage.messages;
		const base = await m.maxSeq();
		await m.writeBatch([create('old'), create('older')], 10);
		await m.writeBatch([create('new')], 1000);
		expect(await storage.maintenance.deleteMessagesBefore(500, 100)).toBe(2);
		const gone = await m.logRange(base, base + 2, 10);
		expect(gone).toEqual({ entries: [], lastSeq: base + 2 });
		const rest = await m.logRange(base, base + 3, 10);
		expect(rest.lastSeq).toBe(base + 3);
		expect(rest.entries.map((e) => ('message' in e ? e.message.body : ''))).toEqual(['new']);
	});
});
