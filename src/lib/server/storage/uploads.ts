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
