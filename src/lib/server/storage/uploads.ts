/** An uploaded file's row (PROTOCOL.md §12); its bytes are in the blob store under `id`. */
export interface UploadRecord {
	id: string;
	uploaderId: number;
	/** The name the uploader gave, cleaned (files/names.ts). */
	name: string;
	size: number;
	/** Decided from the bytes (files/sniff.ts), never from the name or the uploader's claim. */
	contentType: string;
	width: number | null;
	height: number | null;
	hasThumb: boolean;
	/** The message that carries it; null until the uploader posts it. */
	messageId: number | null;
	createdAt: number;
}

export interface UploadsRepository {
	create(upload: Omit<UploadRecord, 'messageId'>): Promise<void>;
	get(id: string): Promise<UploadRecord | undefined>;
	/**
	 * Uploads that should no longer exist: attached to a message that is gone (deleted, or
	 * removed by retention), or never posted and created before `unpostedBefore` (Unix s).
	 */
	orphans(unpostedBefore: number, limit: number): Promise<UploadRecord[]>;
	/** The uploads attached to these messages. */
	ofMessages(messageIds: readonly number[]): Promise<UploadRecord[]>;
	remove(ids: readonly string[]): Promise<void>;
	/** Every upload id, in pages (backup checks, tests). */
	count(): Promise<number>;
}

/** An `uploads` row as both implementations read it (PostgreSQL's bigint columns as numbers or strings). */
export interface UploadRow {
	id: string;
	uploader_id: number | string;
	name: string;
	size: number | string;
	content_type: string;
	width: number | string | null;
	height: number | string | null;
	has_thumb: number;
	message_id: number | string | null;
	created_at: number | string;
}

const numberOrNull = (v: number | string | null) => (v === null ? null : Number(v));

export function uploadFromRow(r: UploadRow): UploadRecord {
	return {
		id: r.id,
		uploaderId: Number(r.uploader_id),
		name: r.name,
		size: Number(r.size),
		contentType: r.content_type,
		width: numberOrNull(r.width),
		height: numberOrNull(r.height),
		hasThumb: Number(r.has_thumb) === 1,
		messageId: numberOrNull(r.message_id),
		createdAt: Number(r.created_at)
	};
}
