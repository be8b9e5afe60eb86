import { describe, expect, it } from 'vitest';
import { openSqliteStorage } from '$lib/server/storage/sqlite';

describe('directSummaries', () => {
	it('lists each peer once, newest first, with unread and how far the peer has read', async () => {
		const storage = await openSqliteStorage(':memory:');
		const { sqlite } = storage;
		const addUser = sqlite.prepare(
			"INSERT INTO users (username, name, password_hash) VALUES (?, ?, 'x')"
		);
		for (const name of ['alice', 'bob', 'carol']) addUser.run(name, name);
		const dm = sqlite.prepare(
			`INSERT INTO messages (sender_id, sender_name, recipient_id, conversation, body)
			 VALUES (?, ?, ?, ?, ?)`
		);
		const conv = (a: number, b: number) => `${Math.min(a, b)}:${Math.max(a, b)}`;
		dm.run(2, 'bob', 1, conv(1, 2), 'hi alice'); // 1
		dm.run(1, 'alice', 2, conv(1, 2), 'hi bob'); // 2
		dm.run(2, 'bob', 1, conv(1, 2), 'news'); // 3
		dm.run(1, 'alice', 3, conv(1, 3), 'hey carol'); // 4
		dm.run(2, 'bob', 3, conv(2, 3), 'not for alice'); // 5
		const mark = sqlite.prepare(
			`INSERT INTO read_markers (user_id, scope, peer_id, last_read_id, updated_at) VALUES (?, ?, ?, ?, 0)`
		);
		mark.run(1, 'u:2', 2, 1); // alice read bob's first message
		mark.run(2, 'u:1', 1, 2); // bob read alice's "hi bob"

		expect(await storage.directs.summaries(1, 50)).toEqual([
			{
				peer_id: 3,
				peer_name: 'carol',
				peer_username: 'carol',
				last_message_id: 4,
				unread: 0,
				mentions: 0,
				peer_read_id: 0
			},
			{
				peer_id: 2,
				peer_name: 'bob',
				peer_username: 'bob',
				last_message_id: 3,
				unread: 1,
				mentions: 0,
				peer_read_id: 2
			}
		]);
		expect((await storage.directs.summaries(3, 50)).map((d) => d.peer_id)).toEqual([2, 1]);
		await storage.close();
	});
});
