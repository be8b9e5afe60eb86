import type { Database, Statement } from 'better-sqlite3';
import {
	uploadFromRow,
	type UploadRecord,
	type UploadRow,
	type UploadsRepository
} from '../uploads';

export class SqliteUploads implements UploadsRepository {
	private readonly insert: Statement;
	private readonly byId: Statement;
	private readonly orphanRows: Statement;
	private readonly ofMessagesStmt: Statement;
	private readonly removeStmt: Statement;
	private readonly countStmt: Statement;

	constructor(sqlite: Database) {
		this.insert = sqlite.prepare(
			`INSERT INTO uploads (id, uploader_id, name, size, content_type, width, height, has_thumb, created_at)
			 VALUES (@id, @uploaderId, @name, @size, @contentType, @width, @height, @hasThumb, @createdAt)`
		);
		this.byId = sqlite.prepare('SELECT * FROM uploads WHERE id = ?');
		this.orphanRows = sqlite.prepare(
			`SELECT u.* FROM uploads u LEFT JOIN messages m ON m.id = u.message_id
			 WHERE (u.message_id IS NOT NULL AND (m.id IS NULL OR m.deleted_at IS NOT NULL))
			    OR (u.message_id IS NULL AND u.created_at < @before)
			 LIMIT @limit`
		);
		this.ofMessagesStmt = sqlite.prepare(
			'SELECT * FROM uploads WHERE message_id IN (SELECT value FROM json_each(?))'
		);
		this.removeStmt = sqlite.prepare(
			'DELETE FROM uploads WHERE id IN (SELECT value FROM json_each(?))'
		);
		this.countStmt = sqlite.prepare('SELECT COUNT(*) FROM uploads').pluck();
	}

	async create(u: Omit<UploadRecord, 'messageId'>): Promise<void> {
		this.insert.run({ ...u, hasThumb: u.hasThumb ? 1 : 0 });
	}

	async get(id: string): Promise<UploadRecord | undefined> {
		const row = this.byId.get(id) as UploadRow | undefined;
		return row && uploadFromRow(row);
	}

	async orphans(unpostedBefore: number, limit: number): Promise<UploadRecord[]> {
		return (this.orphanRows.all({ before: unpostedBefore, limit }) as UploadRow[]).map(
			uploadFromRow
		);
	}

	async ofMessages(messageIds: readonly number[]): Promise<UploadRecord[]> {
		if (messageIds.length === 0) return [];
		return (this.ofMessagesStmt.all(JSON.stringify(messageIds)) as UploadRow[]).map(uploadFromRow);
	}

	async remove(ids: readonly string[]): Promise<void> {
		if (ids.length) this.removeStmt.run(JSON.stringify(ids));
	}

	async count(): Promise<number> {
		return this.countStmt.get() as number;
	}
}
