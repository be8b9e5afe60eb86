import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewMessage, WriteOp } from '$lib/server/storage';
import { openPostgresStorage, type PostgresStorage } from '$lib/server/storage/postgres';
import { createTestDatabase, type TestDatabase } from '../helpers/pg';

/**
 * The change log on PostgreSQL with several processes writing at once (issue 12): four
 * storages (four pools, as four server processes would have) open the same fresh database
 * at the same moment and write concurrently. Runs in the integration-pg project only.
 */
const WRITERS = 4;
const BATCHES = 30;

let db: TestDatabase;
let storages: PostgresStorage[];

beforeAll(async () => {
	db = await createTestDatabase();
	// All four migrate at once: the advisory lock lets one apply, the others find it done.
	storages = await Promise.all(
		Array.from({ length: WRITERS }, () => openPostgresStorage(db.url, { poolSize: 4 }))
	);
});

afterAll(async () => {
	await Promise.all(storages?.map((s) => s.close()) ?? []);
	await db?.drop();
});

function create(writer: number, clientId: string | null): WriteOp {
	const draft: NewMessage = {
		roomId: 1,
		room: 'general',
		senderId: 100 + writer,
		senderName: `w${writer}`,
		senderUsername: null,
		senderIsAdmin: false,
		recipientId: null,
		recipientName: null,
		kind: 'text',
		body: `from ${writer}`,
		clientId,
		mentions: [],
		replyToId: null
	};
	return { create: draft };
}

describe('PostgreSQL change log, four writers at once', () => {
	it('migrated once: the seed rooms exist once and the head starts at 0', async () => {
		expect((await storages[0].rooms.all()).map((r) => r.name)).toEqual([
			'general',
			'random',
			'gaming'
		]);
		expect(await storages[1].messages.maxSeq()).toBe(0);
	});

	it('hands out contiguous seqs whose commit order is seq order', async () => {
		const reader = storages[0].sql;
		let writing = true;
		const observations: number[][] = [];
		// A reader that polls the committed log while the writers run: at no moment may it
		// see seq N+1 committed without N (that would be commit order differing from seq order).
		const polling = (async () => {
			while (writing) {
				const rows = await reader<{ seq: number }[]>`SELECT seq FROM changes ORDER BY seq`;
				observations.push(rows.map((r) => r.seq));
			}
		})();
		const written = await Promise.all(
			storages.map(async (storage, w) => {
				const batches = Array.from({ length: BATCHES }, (_, b) =>
					storage.messages.writeBatch(
						[
							create(w, `c${w}-${b}`),
							// Takes no seq: the same client_id again in the same batch.
							create(w, `c${w}-${b}`),
							// Takes no seq: a change to a message that does not exist.
							{ change: { kind: 'delete', messageId: 1e12, actor: { id: 1, name: 'x' } } },
							create(w, null)
						],
						1000 + b
					)
				);
				return Promise.all(batches);
			})
		);
		writing = false;
		await polling;

		const total = WRITERS * BATCHES * 2;
		const head = await storages[3].messages.maxSeq();
		expect(head).toBe(total);
		const ids = written
			.flat(2)
			.flatMap((r) => ('message' in r && !r.duplicate ? [r.message.id] : []));
		expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
		// Each batch's entries are consecutive: one transaction took them under one lock.
		for (const batch of written.flat()) {
			const [first, dup, refused, second] = batch;
			expect('message' in first && 'message' in second).toBe(true);
			if ('message' in first && 'message' in second && 'message' in dup) {
				expect(second.message.id).toBe(first.message.id + 1);
				expect(dup).toMatchObject({ duplicate: true, message: { id: first.message.id } });
			}
			expect(refused).toEqual({ refused: 'not_found' });
		}
		expect(observations.length).toBeGreaterThan(0);
		for (const seen of observations) {
			expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
		}
	});

	it('logRange on another process pages the whole log in seq order', async () => {
		const seen: number[] = [];
		let after = 0;
		const head = await storages[2].messages.maxSeq();
		while (after < head) {
			const page = await storages[2].messages.logRange(after, head, 50);
			for (const e of page.entries) seen.push('message' in e ? e.message.id : e.change.seq);
			after = page.lastSeq;
		}
		expect(seen).toEqual(Array.from({ length: head }, (_, i) => i + 1));
	});
});
