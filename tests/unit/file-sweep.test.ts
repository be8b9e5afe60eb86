import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskBlobStore } from '../../src/lib/server/files/blob-store';
import { FileService } from '../../src/lib/server/files/service';
import { LocalLimiter } from '../../src/lib/server/shared/limiter';
import { openSqliteStorage } from '../../src/lib/server/storage/sqlite';

const now = 2_000_000_000;

/** A database with one old file message and its bytes on disk. */
async function fileMessage() {
	const storage = await openSqliteStorage(':memory:');
	const { sqlite } = storage;
	sqlite.prepare(`INSERT INTO users (username, name, password_hash) VALUES ('u', 'u', 'x')`).run();
	sqlite.prepare(`INSERT INTO rooms (name, topic) VALUES ('r', '')`).run();
	sqlite
		.prepare(
			`INSERT INTO messages (room_id, sender_id, sender_name, kind, body, created_at)
			 VALUES (1, 1, 'u', 'file', '', ?)`
		)
		.run(now - 3 * 86400);
	await storage.uploads.create({
		id: 'f1',
		uploaderId: 1,
		name: 'old.pdf',
		size: 3,
		contentType: 'application/pdf',
		width: null,
		height: null,
		hasThumb: false,
		createdAt: now - 3 * 86400
	});
	sqlite.prepare(`UPDATE uploads SET message_id = 1 WHERE id = 'f1'`).run();
	const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
	writeFileSync(join(dir, 'f1'), 'pdf');
	const files = new FileService({
		uploads: storage.uploads,
		blobs: new DiskBlobStore(dir),
		limiter: new LocalLimiter(1, 1),
		canSee: async () => ({ clientId: null }),
		maxBytes: 1024,
		log: { warn() {} },
		now: () => now
	});
	return { storage, files, bytes: join(dir, 'f1') };
}

describe('FileService sweep', () => {
	it('a sweep asked for while one runs makes one more pass: the running one read its orphans too early', async () => {
		const { storage, files, bytes } = await fileMessage();
		// The start-up sweep reads its orphans at once; nothing is orphaned yet.
		const first = files.sweepSoon();
		// Retention takes the message meanwhile and asks for a sweep.
		expect(await storage.maintenance.deleteMessagesBefore(now - 86400, 100)).toBe(1);
		const second = files.sweepSoon();
		const third = files.sweepSoon();
		expect(third).toBe(second); // calls made during one pass share the pass after it
		expect(await first).toBe(0);
		expect(await second).toBe(1);
		expect(existsSync(bytes)).toBe(false);
		expect(await storage.uploads.count()).toBe(0);
	});
});
