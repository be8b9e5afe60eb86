import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { SESSION_COOKIE, readCookie, type SessionStore, type SessionUser } from '../auth/sessions';
import { ServiceError } from '../errors';
import type { Logger } from '../logger';
import type { Identity } from '../realtime/connection';
import { isTrustedOrigin, type OriginSettings } from '../realtime/origin';
import { contentDisposition } from './names';
import { uploadJson, type FileService } from './service';

const UPLOAD_PATH = '/api/uploads';
const FILE_PATH = /^\/files\/([A-Za-z0-9_-]{16,64})(?:\/[^/]*)?$/;
const THUMB_PATH = /^\/files\/thumbs\/([A-Za-z0-9_-]{16,64})\.webp$/;
/** After a 413, at most this much more of the body is read (and dropped) before the socket is cut. */
const DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * Headers of every served file (PROTOCOL.md §12): the sniffed type never leaves nosniff, and a
 * sandbox CSP makes a document opened from here (an HTML or SVG file saved and reopened) run
 * without scripts, forms or the app's origin.
 */
const FILE_HEADERS = {
	'X-Content-Type-Options': 'nosniff',
	'Content-Security-Policy':
		"sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
	'Cache-Control': 'private, max-age=3600',
	'Cross-Origin-Resource-Policy': 'same-origin'
};

export interface FileRoutesDeps {
	files: FileService;
	sessions: Pick<SessionStore, 'validate'>;
	/** The user's display name now (online), for the identity the access check needs. */
	displayName(userId: number): string | undefined;
	origin: OriginSettings;
	log: Pick<Logger, 'error'>;
}

/**
 * The HTTP side of files, served by the Node server before SvelteKit (server.js; the dev
 * plugin does the same): an upload is a stream that must reach the disk as it arrives, which
 * SvelteKit's request body (buffered up to BODY_SIZE_LIMIT) cannot give, and a file is a
 * stream out. Routes only adapt: FileService decides.
 */
export class FileRoutes {
	constructor(private readonly deps: FileRoutesDeps) {}

	/** True when the request is ours (then it is answered here). */
	handle(req: IncomingMessage, res: ServerResponse): boolean {
		const path = (req.url ?? '/').split('?')[0];
		if (path === UPLOAD_PATH) {
			void this.upload(req, res);
			return true;
		}
		const thumb = THUMB_PATH.exec(path);
		const file = thumb ?? FILE_PATH.exec(path);
		if (!file) return false;
		void this.serve(req, res, file[1], !!thumb);
		return true;
	}

	private user(req: IncomingMessage): Promise<(Identity & SessionUser) | null> {
		return requestUser(req, this.deps);
	}

	private async upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
		try {
			if (req.method !== 'POST') throw new ServiceError('invalid_input', 'Use POST', 405);
			// A multipart form is a "simple" cross-site request: only our own pages may send one.
			if (!isTrustedOrigin(req, this.deps.origin))
				throw new ServiceError('forbidden', 'Cross-site upload refused', 403);
			const user = await this.user(req);
			if (!user) throw new ServiceError('unauthorized', 'Log in first', 401);
			const declared = Number(req.headers['content-length']);
			const max = this.deps.files.maxBytes;
			// The form's own bytes (boundaries, headers) are small; far beyond the limit is refused unread.
			if (declared > max + 64 * 1024) throw this.deps.files.tooLarge();
			const record = await this.deps.files.receive(user, req);
			sendJson(res, 201, uploadJson(record));
		} catch (err) {
			this.fail(req, res, err);
		}
	}

	private async serve(
		req: IncomingMessage,
		res: ServerResponse,
		id: string,
		thumb: boolean
	): Promise<void> {
		try {
			if (req.method !== 'GET' && req.method !== 'HEAD') {
				res.writeHead(405, { Allow: 'GET, HEAD' }).end();
				return;
			}
			const user = await this.user(req);
			const found = await this.deps.files.open(user, id, thumb);
			if (!found) {
				sendJson(res, 404, { error: { code: 'not_found', message: 'File not found' } });
				return;
			}
			const type = found.inline ? found.contentType : 'application/octet-stream';
			const disposition = thumb ? 'inline' : found.inline ? 'inline' : 'attachment';
			res.writeHead(200, {
				...FILE_HEADERS,
				'Content-Type': type,
				'Content-Length': String(found.size),
				'Content-Disposition': contentDisposition(disposition, found.record.name)
			});
			if (req.method === 'HEAD') {
				found.stream.destroy();
				res.end();
				return;
			}
			await pipeline(found.stream, res);
		} catch (err) {
			if (!res.headersSent) this.fail(req, res, err);
			else res.destroy();
		}
	}

	private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
		failRequest(req, res, err, this.deps.log);
	}
}

/** The request's logged-in account (not banned), as the services see a user. */
export async function requestUser(
	req: IncomingMessage,
	deps: Pick<FileRoutesDeps, 'sessions' | 'displayName'>
): Promise<(Identity & SessionUser) | null> {
	const token = readCookie(req.headers.cookie, SESSION_COOKIE);
	const found = token ? await deps.sessions.validate(token) : null;
	if (!found || found.user.bannedAt) return null;
	const { user, session } = found;
	const name = deps.displayName(user.id) ?? user.name;
	return { ...user, name, isGuest: false, sessionId: session.id };
}

/** Answers an error; a body left unread is dropped (up to a limit) so the client reads the answer. */
export function failRequest(
	req: IncomingMessage,
	res: ServerResponse,
	err: unknown,
	log: Pick<Logger, 'error'>
): void {
	if (!(err instanceof ServiceError)) log.error({ err }, 'file request failed');
	const status = err instanceof ServiceError ? err.status : 500;
	const body =
		err instanceof ServiceError
			? { code: err.code, message: err.message, ...err.details.params }
			: { code: 'internal', message: 'Something went wrong' };
	const headers: Record<string, string> = {};
	if (err instanceof ServiceError && err.details.retryAfterSeconds !== undefined)
		headers['Retry-After'] = String(err.details.retryAfterSeconds);
	if (!req.complete) {
		// Read and drop the rest (a client that is still sending would see its connection cut
		// before it reads the answer); beyond DRAIN_LIMIT the socket is cut all the same.
		let dropped = 0;
		req.on('data', (chunk: Buffer) => {
			dropped += chunk.length;
			if (dropped > DRAIN_LIMIT) req.destroy();
		});
		req.resume();
	}
	if (!res.headersSent) sendJson(res, status, { error: body }, headers);
}

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {}
): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': String(Buffer.byteLength(text)),
		'Cache-Control': 'no-store',
		...headers
	});
	res.end(text);
}
