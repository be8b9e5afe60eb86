import type { UploadRecord, UploadsRepository } from '../uploads';
import type { Sql } from './client';

interface Row {
	id: string;
	uploader_id: number;
	name: string;
	size: number;
	content_type: string;
	width: number | null;
	height: number | null;
	has_thumb: number;
	message_id: number | null;
	created_at: number;
}

const toRecord = (r: Row): UploadRecord => ({
	id: r.id,
	uploaderId: Number(r.uploader_id),
	name: r.name,
	size: Number(r.size),
	contentType: r.content_type,
	width: r.width === null ? null : Number(r.width),
	height: r.height === null ? null : Number(r.height),
	hasThumb: r.has_thumb === 1,
	messageId: r.message_id === null ? null : Number(r.message_id),
	createdAt: Number(r.created_at)
});

export class PostgresUploads implements UploadsRepository {
	constructor(private readonly sql: Sql) {}

	async create(u: Omit<UploadRecord, 'messageId'>): Promise<void> {
		await this.sql`
			INSERT INTO uploads (id, uploader_id, name, size, content_type, width, height, has_thumb, created_at)
			VALUES (${u.id}, ${u.uploaderId}, ${u.name}, ${u.size}, ${u.contentType}, ${u.width},
			        ${u.height}, ${u.hasThumb ? 1 : 0}, ${u.createdAt})`;
	}

	async get(id: string): Promise<UploadRecord | undefined> {
		const [row] = await this.sql<Row[]>`SELECT * FROM uploads WHERE id = ${id}`;
		return row && toRecord(row);
	}

	async orphans(unpostedBefore: number, limit: number): Promise<UploadRecord[]> {
		const rows = await this.sql<Row[]>`
			SELECT u.* FROM uploads u LEFT JOIN messages m ON m.id = u.message_id
			WHERE (u.message_id IS NOT NULL AND (m.id IS NULL OR m.deleted_at IS NOT NULL))
			   OR (u.message_id IS NULL AND u.created_at < ${unpostedBefore})
			LIMIT ${limit}`;
		return rows.map(toRecord);
	}

	async ofMessages(messageIds: readonly number[]): Promise<UploadRecord[]> {
		if (messageIds.length === 0) return [];
		const rows = await this.sql<Row[]>`
			SELECT * FROM uploads WHERE message_id = ANY(${[...messageIds]}::bigint[])`;
		return rows.map(toRecord);
	}

	async remove(ids: readonly string[]): Promise<void> {
		if (ids.length) await this.sql`DELETE FROM uploads WHERE id = ANY(${[...ids]}::text[])`;
	}

	async count(): Promise<number> {
		const [row] = await this.sql<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM uploads`;
		return row.n;
	}
}
