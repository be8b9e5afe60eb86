import busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pipeline } from 'node:stream/promises';
import { ServiceError } from '../errors';
import { SNIFF_BYTES } from './sniff';

/** A file streamed to a temporary path: what the multipart body held in its `file` field. */
export interface ReceivedFile {
	tempPath: string;
	/** The name the client gave (uncleaned). */
	filename: string;
	size: number;
	/** The first bytes, for the sniffer. */
	head: Buffer;
}

/**
 * Each chunk a socket reads is a new Buffer whose memory is freed only when V8 collects its
 * (young, tiny) JS object, and V8 looks at external memory only every few tens of MB: a
 * 10 MiB upload arriving faster than the event loop allocates anything else raised RSS by the
 * file's size (bench scenario 14: +10.2 MiB) though nothing held it. A minor GC (a scavenge,
 * about a millisecond with a small young generation) every MiB received releases the chunks
 * already written to disk as the file streams in.
 */
const COLLECT_EVERY_BYTES = 1024 * 1024;
const collectYoung: () => void = (() => {
	v8.setFlagsFromString('--expose-gc');
	const gc = runInNewContext('gc') as ((o: { type: 'minor' }) => void) | undefined;
	return gc ? () => gc({ type: 'minor' }) : () => {};
})();

export const tooLarge = (maxBytes: number) =>
	new ServiceError('too_large', `The file is larger than ${maxBytes} bytes`, 413, {
		params: { max: maxBytes }
	});

/**
 * Streams the one `file` field of a multipart body to `tempPath`, never holding more than a
 * stream buffer of it in memory (busboy parses as bytes arrive; the write stream applies
 * backpressure to the request). Beyond `maxBytes` it stops at once with 413: busboy cuts the
 * file at the limit and the part written so far is deleted. Other fields are ignored.
 */
export function receiveFile(
	req: IncomingMessage,
	tempPath: string,
	maxBytes: number
): Promise<ReceivedFile> {
	let parser: busboy.Busboy;
	try {
		parser = busboy({
			headers: req.headers,
			// busboy stops at `fileSize` bytes and calls that the limit: one more than allowed.
			limits: { files: 1, fileSize: maxBytes + 1, fields: 8, fieldSize: 4096, parts: 10 },
			// File names are UTF-8 (busboy's default reads them as Latin-1).
			defParamCharset: 'utf8'
		});
	} catch {
		return Promise.reject(
			new ServiceError('invalid_input', 'Send multipart/form-data with a field "file"', 400)
		);
	}
	return new Promise<ReceivedFile>((resolve, reject) => {
		let work: Promise<ReceivedFile> | undefined;
		const fail = (err: unknown) => {
			req.unpipe(parser);
			// Answered once the part is gone: a refused upload leaves nothing behind by the
			// time the client hears 413 (the test looked at the folder in between, once).
			void rm(tempPath, { force: true })
				.catch(() => undefined)
				.then(() => reject(err));
		};
		parser.on('file', (field: string, stream: Readable, info: busboy.FileInfo) => {
			if (field !== 'file' || work) {
				stream.resume();
				return;
			}
			work = store(stream, info.filename ?? '', tempPath, maxBytes);
			work.catch(fail);
		});
		parser.on('error', (err: Error) =>
			fail(new ServiceError('invalid_input', `Malformed form: ${err.message}`, 400))
		);
		parser.on('close', () => {
			if (!work)
				return fail(new ServiceError('invalid_input', 'The form has no field "file"', 400));
			work.then(resolve, fail);
		});
		req.on('aborted', () => fail(new ServiceError('invalid_input', 'The upload was cut', 400)));
		req.pipe(parser);
	});
}

async function store(
	stream: Readable,
	filename: string,
	tempPath: string,
	maxBytes: number
): Promise<ReceivedFile> {
	const headParts: Buffer[] = [];
	let headBytes = 0;
	let size = 0;
	// Refused the moment busboy sees the limit, not after the rest of the body has come in.
	const limited = new Promise<never>((_, reject) =>
		stream.once('limit', () => reject(tooLarge(maxBytes)))
	);
	let sinceCollect = 0;
	const counter = new Transform({
		transform(chunk: Buffer, _enc, done) {
			size += chunk.length;
			sinceCollect += chunk.length;
			if (sinceCollect >= COLLECT_EVERY_BYTES) {
				sinceCollect = 0;
				collectYoung();
			}
			if (headBytes < SNIFF_BYTES) {
				const part = chunk.subarray(0, SNIFF_BYTES - headBytes);
				headParts.push(Buffer.from(part));
				headBytes += part.length;
			}
			done(null, chunk);
		}
	});
	const written = pipeline(stream, counter, createWriteStream(tempPath));
	try {
		await Promise.race([written, limited]);
	} catch (err) {
		counter.destroy();
		await written.catch(() => undefined);
		throw err;
	}
	if (size === 0) throw new ServiceError('empty', 'The file is empty', 400);
	return { tempPath, filename, size, head: Buffer.concat(headParts) };
}
