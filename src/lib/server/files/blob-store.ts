import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where the bytes of uploaded files live (PROTOCOL.md §12): a small interface, so an object
 * store can replace the disk later. Keys are upload ids (random base64url) and `<id>.thumb`;
 * callers never pass a user's file name, so no path can escape the directory.
 */
export interface BlobStore {
	/** Streams `source` into a new blob; visible under `key` only once complete. */
	write(key: string, source: Readable): Promise<void>;
	/** A local file path for `key` (sharp reads it); the disk store's own. */
	pathOf(key: string): string;
	/** Moves a finished temporary file (from `tempPath`) in as `key`. */
	adopt(tempPath: string, key: string): Promise<void>;
	/** A new temporary path inside the store (same file system, so adopt is a rename). */
	tempPath(key: string): string;
	/** The blob's bytes and size, or undefined when it is not there. */
	open(key: string): Promise<{ stream: Readable; size: number } | undefined>;
	remove(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-]+(\.thumb)?$/;

function checked(key: string): string {
	if (!KEY.test(key)) throw new Error(`not a blob key: ${key}`);
	return key;
}

/** Files under UPLOAD_DIR: `<dir>/<key>`, and `<dir>/tmp/` for uploads still streaming. */
export class DiskBlobStore implements BlobStore {
	private ready: Promise<unknown> | undefined;

	constructor(private readonly dir: string) {}

	private ensure(): Promise<unknown> {
		return (this.ready ??= mkdir(join(this.dir, 'tmp'), { recursive: true }));
	}

	pathOf(key: string): string {
		return join(this.dir, checked(key));
	}

	tempPath(key: string): string {
		return join(this.dir, 'tmp', `${checked(key)}.part`);
	}

	async write(key: string, source: Readable): Promise<void> {
		await this.ensure();
		const temp = this.tempPath(key);
		try {
			await pipeline(source, createWriteStream(temp));
			await rename(temp, this.pathOf(key));
		} catch (err) {
			await rm(temp, { force: true });
			throw err;
		}
	}

	async adopt(tempPath: string, key: string): Promise<void> {
		await rename(tempPath, this.pathOf(key));
	}

	/** Makes sure the directories exist before a caller writes to tempPath itself. */
	async ensureDirs(): Promise<void> {
		await this.ensure();
	}

	async open(key: string): Promise<{ stream: Readable; size: number } | undefined> {
		const path = this.pathOf(key);
		try {
			const { size } = await stat(path);
			return { stream: createReadStream(path), size };
		} catch {
			return undefined;
		}
	}

	async remove(key: string): Promise<void> {
		await rm(this.pathOf(key), { force: true });
	}
}
