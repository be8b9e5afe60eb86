import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../src/lib/server/storage/sqlite';
import { StateMemo } from '../../src/lib/server/storage/sqlite/state-memo';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fileDb() {
	const dir = mkdtempSync(join(tmpdir(), 'memo-'));
	dirs.push(dir);
	const file = join(dir, 'db.sqlite');
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.exec('CREATE TABLE t (v INTEGER)');
	return { db, file };
}

describe('the SQLite state memo', () => {
	it('answers from memory until this connection changes a row', () => {
		const { db } = fileDb();
		const memo = new StateMemo(db);
		let reads = 0;
		const count = () =>
			memo.read('count', () => {
				reads++;
				return db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number };
			});
		expect(count().n).toBe(0);
		expect(count().n).toBe(0);
		expect(reads).toBe(1);
		db.prepare('INSERT INTO t VALUES (1)').run();
		expect(count().n).toBe(1);
		expect(reads).toBe(2);
		// An update that changes nothing visible still counts as a change: read again.
		db.prepare('UPDATE t SET v = v').run();
		count();
		expect(reads).toBe(3);
		db.close();
	});

	it('reads again, from the next turn of the event loop, when another connection commits', async () => {
		const { db, file } = fileDb();
		const other = new Database(file);
		const memo = new StateMemo(db);
		const count = () =>
			memo.read(
				'count',
				() => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n
			);
		expect(count()).toBe(0);
		other.prepare('INSERT INTO t VALUES (1)').run();
		await new Promise((resolve) => setImmediate(resolve));
		expect(count()).toBe(1);
		other.close();
		db.close();
	});

	it('keeps nothing read inside a transaction (it may roll back)', () => {
		const { db } = fileDb();
		const memo = new StateMemo(db);
		const count = () =>
			memo.read(
				'count',
				() => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n
			);
		const attempt = db.transaction(() => {
			db.prepare('INSERT INTO t VALUES (1)').run();
			expect(count()).toBe(1);
			throw new Error('roll back');
		});
		expect(() => attempt()).toThrow('roll back');
		expect(count()).toBe(0);
		db.close();
	});

	it('hands out frozen values, so no caller can change what the next one reads', () => {
		const { db } = fileDb();
		const memo = new StateMemo(db);
		const value = memo.read('rows', () => [{ id: 1, tags: ['a'] }]);
		expect(() => value.push({ id: 2, tags: [] })).toThrow(TypeError);
		expect(() => (value[0].id = 3)).toThrow(TypeError);
		expect(() => value[0].tags.push('b')).toThrow(TypeError);
		db.close();
	});
});

describe('room summaries (SQLite)', () => {
	it('count unread and mentions past the read marker, and follow new messages', async () => {
		const storage = await openSqliteStorage(':memory:');
		const db = storage.sqlite;
		const user = (name: string) =>
			(
				db
					.prepare(
						"INSERT INTO users (username, name, password_hash, role) VALUES (?, ?, 'x', 'user') RETURNING id"
					)
					.get(name, name) as { id: number }
			).id;
		const alice = user('alice');
		const bob = user('bob');
		const general = (await storage.rooms.all()).find((r) => r.name === 'general')!;
		await storage.rooms.addMember(general.id, alice);
		const post = (sender: number, mentions: number[] = []) => {
			const id = (
				db
					.prepare(
						`INSERT INTO messages (id, room_id, sender_id, sender_name, kind, body, created_at)
						 VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM messages), ?, ?, 'x', 'text', 'hi', 0) RETURNING id`
					)
					.get(general.id, sender) as { id: number }
			).id;
			for (const u of mentions)
				db.prepare(
					'INSERT INTO mentions (user_id, message_id, room_id, sender_id) VALUES (?, ?, ?, ?)'
				).run(u, id, general.id, sender);
			return id;
		};
		const mine = async () =>
			(
				await storage.rooms.summaries({
					mine: [general.id],
					userId: alice,
					othersLimit: 20,
					unreadCap: 999
				})
			).find((r) => r.name === 'general')!;
		expect(await mine()).toMatchObject({ unread: 0, mentions: 0, joined: true, members: 1 });
		const first = post(bob);
		post(alice); // her own message is never unread
		expect(await mine()).toMatchObject({ unread: 1, mentions: 0, last_message_id: first + 1 });
		const third = post(bob, [alice]);
		expect(await mine()).toMatchObject({ unread: 2, mentions: 1, last_message_id: third });
		await storage.readMarkers.advance(alice, { roomId: general.id }, third, 0);
		expect(await mine()).toMatchObject({ unread: 0, mentions: 0 });
		// A guest (no user id) gets the same rooms without counts.
		const guest = await storage.rooms.summaries({
			mine: [general.id],
			userId: null,
			othersLimit: 20,
			unreadCap: 999
		});
		expect(guest.map((r) => [r.name, r.joined, r.unread])).toEqual([
			['general', true, 0],
			...guest.slice(1).map((r) => [r.name, false, 0])
		]);
		await storage.close();
	});
});
