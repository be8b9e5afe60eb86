import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageStore, type Draft } from '$lib/server/chat/messages';
import { LocalBus, type BusEvent } from '$lib/server/realtime/bus';
import { openSqliteStorage } from '$lib/server/storage/sqlite';

let sqlite: Database;
let store: MessageStore;
let published: number[];
let commits: number[];
let general: number;

beforeEach(async () => {
	const storage = await openSqliteStorage(':memory:');
	sqlite = storage.sqlite;
	general = sqlite.prepare("SELECT id FROM rooms WHERE name = 'general'").pluck().get() as number;
	const bus = new LocalBus();
	published = [];
	bus.subscribe((e: BusEvent) => {
		if (e.kind === 'message') published.push(e.message.id);
	});
	commits = [];
	store = new MessageStore(storage.messages, bus, { committed: (n) => commits.push(n) });
	await store.init();
});
afterEach(() => sqlite.close());

const draft = (senderId: number, body: string, clientId: string | null = null): Draft => ({
	roomId: general,
	room: 'general',
	senderId,
	senderName: `u${senderId}`,
	senderUsername: null,
	senderIsAdmin: false,
	recipientId: null,
	recipientName: null,
	kind: 'text',
	body,
	clientId,
	replyToId: null,
	mentions: []
});

describe('MessageStore group commit', () => {
	it('commits drafts of one event-loop turn in one transaction, ids in submit order', async () => {
		const results = await Promise.all(
			Array.from({ length: 50 }, (_, i) => store.submit(draft(1 + (i % 5), `m${i}`)))
		);
		expect(commits).toEqual([50]);
		const ids = results.map((r) => r.message.id);
		expect(ids).toEqual([...ids].sort((a, b) => a - b));
		expect(new Set(ids).size).toBe(50);
		expect(published).toEqual(ids);
		expect(store.lastCommittedId).toBe(ids.at(-1));
		expect(sqlite.prepare('SELECT COUNT(*) FROM messages').pluck().get()).toBe(50);
	});

	it('splits a large burst into bounded transactions', async () => {
		await Promise.all(Array.from({ length: 1500 }, (_, i) => store.submit(draft(1, `b${i}`))));
		expect(commits).toEqual([1000, 500]);
		expect(published).toHaveLength(1500);
	});

	it('stores a repeated client_id once, even within one batch, and publishes it once', async () => {
		const [a, b] = await Promise.all([
			store.submit(draft(1, 'first', 'same')),
			store.submit(draft(1, 'second', 'same'))
		]);
		expect(a.duplicate).toBe(false);
		expect(b).toMatchObject({ duplicate: true, message: { id: a.message.id, body: 'first' } });
		const c = await store.submit(draft(2, 'other sender', 'same'));
		expect(c.duplicate).toBe(false);
		expect(published).toEqual([a.message.id, c.message.id]);
	});

	it('drain waits for everything queued', async () => {
		for (let i = 0; i < 10; i++) void store.submit(draft(1, `d${i}`));
		await store.drain();
		expect(sqlite.prepare('SELECT COUNT(*) FROM messages').pluck().get()).toBe(10);
	});
});

describe('MessageStore submit order', () => {
	it('keeps submit order when a draft waits for a check, and answers a failed check alone', async () => {
		const notMember = Promise.reject(new Error('not a member'));
		const results = await Promise.allSettled([
			store.submit(Promise.resolve(draft(1, 'checked first'))),
			store.submit(draft(1, 'plain second')),
			store.submit(notMember as Promise<Draft>),
			store.submit(draft(1, 'third'))
		]);
		expect(results.map((r) => r.status)).toEqual([
			'fulfilled',
			'fulfilled',
			'rejected',
			'fulfilled'
		]);
		const bodies = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.message.body] : []));
		expect(bodies).toEqual(['checked first', 'plain second', 'third']);
		expect(commits).toEqual([3]);
		expect(published).toEqual([...published].sort((a, b) => a - b));
	});
});

describe('MessageStore after a commit that threw', () => {
	it('answers the batch’s senders with the error and goes on committing', async () => {
		const storage = await openSqliteStorage(':memory:');
		const bus = new LocalBus();
		let broken = true;
		bus.subscribe(() => {
			if (broken) throw new Error('a listener failed');
		});
		const failures: unknown[] = [];
		const own = new MessageStore(storage.messages, bus, { failed: (err) => failures.push(err) });
		await own.init();
		const roomId = storage.sqlite
			.prepare("SELECT id FROM rooms WHERE name = 'general'")
			.pluck()
			.get() as number;
		const first = await Promise.allSettled([
			own.submit({ ...draft(1, 'a'), roomId }),
			own.submit({ ...draft(1, 'b'), roomId })
		]);
		expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		expect(failures).toHaveLength(1);
		broken = false;
		const next = await own.submit({ ...draft(1, 'c'), roomId });
		expect(next.message.body).toBe('c');
		await own.drain();
		storage.sqlite.close();
	});
});
