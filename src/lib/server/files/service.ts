import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { FileContent } from '$lib/protocol/payloads';
import type { SessionUser } from '../auth/sessions';
import { ServiceError, notFound } from '../errors';
import type { Logger } from '../logger';
import type { Identity } from '../realtime/connection';
import type { KeyedLimiter } from '../shared/limiter';
import type { UploadRecord, UploadsRepository } from '../storage/uploads';
import type { DiskBlobStore } from './blob-store';
import { thumbnail } from './images';
import { cleanFileName } from './names';
import { receiveFile, tooLarge } from './receive';
import { INLINE_IMAGE_TYPES, sniffType } from './sniff';

/** Uploads never posted in a message are removed after this long. */
const UNPOSTED_TTL_S = 24 * 3600;
const SWEEP_BATCH = 500;
const SWEEP_EVERY_MS = 3600_000;

export interface FileServiceDeps {
	uploads: UploadsRepository;
	blobs: DiskBlobStore;
	limiter: KeyedLimiter;
	/** The message, or throws unless `who` may see it (chat/access.ts). */
	canSee(who: Identity, messageId: number): Promise<{ clientId: string | null }>;
	maxBytes: number;
	log: Pick<Logger, 'warn'>;
	now?: () => number;
}

/** What a file request is served: the blob and how (files/http.ts writes the headers). */
export interface ServedFile {
	record: UploadRecord;
	stream: Readable;
	size: number;
	contentType: string;
	inline: boolean;
}

const thumbKey = (id: string) => `${id}.thumb`;

/** The path a file is served under; the name is for people and ignored when serving. */
export const fileUrl = (u: Pick<UploadRecord, 'id' | 'name'>) =>
	`/files/${u.id}/${encodeURIComponent(u.name)}`;
export const thumbUrl = (id: string) => `/files/thumbs/${id}.webp`;

/**
 * Files (PROTOCOL.md §12): receives uploads (streamed to disk, typed by their bytes, images
 * measured and thumbnailed), hands them to the chat service to post, decides who may fetch
 * them, and removes them with their message.
 */
export class FileService {
	private readonly now: () => number;
	private timer: NodeJS.Timeout | undefined;
	private sweeping: Promise<number> | undefined;
	/** A sweep asked for while one runs: it may have read its orphans before the new ones. */
	private sweepAgain: Promise<number> | undefined;

	constructor(private readonly deps: FileServiceDeps) {
		this.now = deps.now ?? (() => Math.floor(Date.now() / 1000));
	}

	get maxBytes(): number {
		return this.deps.maxBytes;
	}

	tooLarge(): ServiceError {
		return tooLarge(this.deps.maxBytes);
	}

	/** Streams one upload in; the record of the stored file. */
	async receive(user: SessionUser, req: IncomingMessage): Promise<UploadRecord> {
		const verdict = await this.deps.limiter.take(`upload:${user.id}`);
		if (!verdict.ok) {
			const seconds = Math.max(1, Math.ceil(verdict.waitMs / 1000));
			throw new ServiceError('rate_limited', 'Too many uploads; try again later', 429, {
				retryAfterSeconds: seconds,
				params: { retry_after: seconds }
			});
		}
		const id = randomBytes(16).toString('base64url');
		await this.deps.blobs.ensureDirs();
		const file = await receiveFile(req, this.deps.blobs.tempPath(id), this.deps.maxBytes);
		const thumbTemp = this.deps.blobs.tempPath(thumbKey(id));
		try {
			let contentType = await sniffType(file.head);
			let size: { width: number; height: number } | undefined;
			if (INLINE_IMAGE_TYPES.has(contentType)) {
				size = await thumbnail(file.tempPath, thumbTemp);
				// An image that cannot be decoded within the pixel limit is not shown inline.
				if (!size) contentType = 'application/octet-stream';
			}
			const record: UploadRecord = {
				id,
				uploaderId: user.id,
				name: cleanFileName(file.filename),
				size: file.size,
				contentType,
				width: size?.width ?? null,
				height: size?.height ?? null,
				hasThumb: !!size,
				messageId: null,
				createdAt: this.now()
			};
			await this.deps.blobs.adopt(file.tempPath, id);
			if (size) await this.deps.blobs.adopt(thumbTemp, thumbKey(id));
			await this.deps.uploads.create(record);
			return record;
		} catch (err) {
			await Promise.all([
				rm(file.tempPath, { force: true }),
				rm(thumbTemp, { force: true }),
				this.deps.blobs.remove(id),
				this.deps.blobs.remove(thumbKey(id))
			]);
			throw err;
		}
	}

	/**
	 * The upload `who` posts in a message: theirs, and not posted before (an upload is posted
	 * once); anything else is not_found, so ids of other people's files reveal nothing.
	 */
	async claim(who: Identity, uploadId: string, clientId?: string): Promise<UploadRecord> {
		const record = await this.deps.uploads.get(uploadId);
		const gone = notFound('Upload not found (or already posted)');
		if (!record || record.uploaderId !== who.id) throw gone;
		if (record.messageId === null) return record;
		// The same post sent again (a client resending its outbox after a reconnect): the write
		// finds the client_id and answers with the original message, as for any send.
		if (clientId === undefined) throw gone;
		const posted = await this.deps.canSee(who, record.messageId).catch(() => null);
		if (posted?.clientId !== clientId) throw gone;
		return record;
	}

	/**
	 * A file for a request: to its uploader, or to someone who can see a message carrying it;
	 * undefined (404) for anyone else, a missing file or a missing session alike.
	 */
	async open(user: Identity | null, id: string, thumb: boolean): Promise<ServedFile | undefined> {
		if (!user) return undefined;
		const record = await this.deps.uploads.get(id);
		if (!record || !(await this.mayRead(user, record))) return undefined;
		if (thumb && !record.hasThumb) return undefined;
		const blob = await this.deps.blobs.open(thumb ? thumbKey(id) : id);
		if (!blob) return undefined;
		const contentType = thumb ? 'image/webp' : record.contentType;
		return { record, ...blob, contentType, inline: INLINE_IMAGE_TYPES.has(contentType) };
	}

	private async mayRead(user: Identity, record: UploadRecord): Promise<boolean> {
		if (record.uploaderId === user.id) return true;
		if (record.messageId === null) return false;
		try {
			await this.deps.canSee(user, record.messageId);
			return true;
		} catch {
			return false;
		}
	}

	/** Removes the files of deleted messages now (the sweep would find them later). */
	async removeFor(messageIds: readonly number[]): Promise<void> {
		await this.removeAll(await this.deps.uploads.ofMessages(messageIds));
	}

	/** Sweeps now and then every hour (unposted uploads, files retention left behind). */
	start(): void {
		void this.sweepSoon();
		this.timer = setInterval(() => void this.sweepSoon(), SWEEP_EVERY_MS);
		this.timer.unref();
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
	}

	/**
	 * One sweep at a time. A call while one runs gets one more pass after it (shared by every
	 * call made meanwhile): the running pass may have read its orphans before the rows that
	 * made this call (retention's deletions) were gone.
	 */
	sweepSoon(): Promise<number> {
		if (!this.sweeping) {
			this.sweeping = this.sweepLogged().finally(() => (this.sweeping = undefined));
			return this.sweeping;
		}
		this.sweepAgain ??= this.sweeping.then(() => {
			this.sweepAgain = undefined;
			return this.sweepSoon();
		});
		return this.sweepAgain;
	}

	private sweepLogged(): Promise<number> {
		return this.sweep().catch((err) => {
			this.deps.log.warn({ err }, 'file sweep failed');
			return 0;
		});
	}

	/**
	 * Removes files whose message is gone (deleted, or taken by retention) and uploads never
	 * posted within a day. Runs after retention and from time to time; returns how many.
	 */
	async sweep(): Promise<number> {
		let total = 0;
		for (;;) {
			const batch = await this.deps.uploads.orphans(this.now() - UNPOSTED_TTL_S, SWEEP_BATCH);
			await this.removeAll(batch);
			total += batch.length;
			if (batch.length < SWEEP_BATCH) return total;
		}
	}

	private async removeAll(records: readonly UploadRecord[]): Promise<void> {
		if (records.length === 0) return;
		// Bytes first: a row without bytes is a 404; bytes without a row would never be found.
		await Promise.all(
			records.flatMap((r) => [this.deps.blobs.remove(r.id), this.deps.blobs.remove(thumbKey(r.id))])
		);
		await this.deps.uploads.remove(records.map((r) => r.id));
	}
}

/** The API's answer to an upload, and the `content` of the message that posts it. */
export function uploadJson(u: UploadRecord) {
	return {
		id: u.id,
		...fileContent(u)
	};
}

export function fileContent(u: UploadRecord, caption?: string): FileContent {
	return {
		url: fileUrl(u),
		name: u.name,
		size: u.size,
		content_type: u.contentType,
		...(u.width !== null && u.height !== null && { width: u.width, height: u.height }),
		...(u.hasThumb && { thumb_url: thumbUrl(u.id) }),
		...(caption && { caption })
	};
}
