import {
	uploadFromRow,
	type UploadRecord,
	type UploadRow,
	type UploadsRepository
} from '../uploads';
import type { Sql } from './client';

export class PostgresUploads implements UploadsRepository {
	constructor(private readonly sql: Sql) {}

	async create(u: Omit<UploadRecord, 'messageId'>): Promise<void> {
		await this.sql`
			INSERT INTO uploads (id, uploader_id, name, size, content_type, width, height, has_thumb, created_at)
			VALUES (${u.id}, ${u.uploaderId}, ${u.name}, ${u.size}, ${u.contentType}, ${u.width},
			        ${u.height}, ${u.hasThumb ? 1 : 0}, ${u.createdAt})`;
	}

	async get(id: string): Promise<UploadRecord | undefined> {
		const [row] = await this.sql<UploadRow[]>`SELECT * FROM uploads WHERE id = ${id}`;
		return row && uploadFromRow(row);
	}

	async orphans(unpostedBefore: number, limit: number): Promise<UploadRecord[]> {
		const rows = await this.sql<UploadRow[]>`
			SELECT u.* FROM uploads u LEFT JOIN messages m ON m.id = u.message_id
			WHERE (u.message_id IS NOT NULL AND (m.id IS NULL OR m.deleted_at IS NOT NULL))
			   OR (u.message_id IS NULL AND u.created_at < ${unpostedBefore})
			LIMIT ${limit}`;
		return rows.map(uploadFromRow);
	}

	async ofMessages(messageIds: readonly number[]): Promise<UploadRecord[]> {
		if (messageIds.length === 0) return [];
		const rows = await this.sql<UploadRow[]>`
			SELECT * FROM uploads WHERE message_id = ANY(${[...messageIds]}::bigint[])`;
		return rows.map(uploadFromRow);
	}

	async remove(ids: readonly string[]): Promise<void> {
		if (ids.length) await this.sql`DELETE FROM uploads WHERE id = ANY(${[...ids]}::text[])`;
	}

	async count(): Promise<number> {
		const [row] = await this.sql<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM uploads`;
		return row.n;
	}
}
