import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { ServiceError } from '../errors';
import { failRequest, requestUser, sendJson, type FileRoutesDeps } from '../files/http';
import { isTrustedOrigin } from '../realtime/origin';
import type { ProfileService } from './service';

const AVATAR_UPLOAD_PATH = '/api/me/avatar';
const AVATAR_PATH = /^\/avatars\/([1-9][0-9]{0,15})\/([A-Za-z0-9_-]{16})\.webp$/;

/**
 * Headers of a served avatar: like a file's (nosniff, a sandbox CSP), but public and cached
 * for a year, since a new avatar gets a new URL; avatars are not secret (anyone who can use
 * the chat sees them, guests included), and an <img> of another origin may show them.
 */
const AVATAR_HEADERS = {
	'Content-Type': 'image/webp',
	'X-Content-Type-Options': 'nosniff',
	'Content-Security-Policy': "sandbox; default-src 'none'",
	'Cache-Control': 'public, max-age=31536000, immutable',
	'Cross-Origin-Resource-Policy': 'same-site'
};

export interface ProfileRoutesDeps extends Pick<
	FileRoutesDeps,
	'sessions' | 'displayName' | 'origin' | 'log'
> {
	profiles: ProfileService;
}

/**
 * Avatars over HTTP, served by the Node server before SvelteKit like files (files/http.ts):
 * `POST /api/me/avatar` streams one image in (multipart, field `file`), `DELETE` removes it,
 * `GET /avatars/<userId>/<token>.webp` serves one. Routes only adapt: ProfileService decides.
 */
export class ProfileRoutes {
	constructor(private readonly deps: ProfileRoutesDeps) {}

	/** True when the request is ours (then it is answered here). */
	handle(req: IncomingMessage, res: ServerResponse): boolean {
		const path = (req.url ?? '/').split('?')[0];
		if (path === AVATAR_UPLOAD_PATH) {
			void this.change(req, res);
			return true;
		}
		const avatar = AVATAR_PATH.exec(path);
		if (!avatar) return false;
		void this.serve(req, res, Number(avatar[1]), avatar[2]);
		return true;
	}

	private async change(req: IncomingMessage, res: ServerResponse): Promise<void> {
		try {
			if (req.method !== 'POST' && req.method !== 'DELETE')
				throw new ServiceError('invalid_input', 'Use POST or DELETE', 405);
			// A multipart form is a "simple" cross-site request: only our own pages may send one.
			if (!isTrustedOrigin(req, this.deps.origin))
				throw new ServiceError('forbidden', 'Cross-site request refused', 403);
			const user = await requestUser(req, this.deps);
			if (!user) throw new ServiceError('unauthorized', 'Log in first', 401);
			const { profiles } = this.deps;
			if (req.method === 'DELETE') {
				sendJson(res, 200, await profiles.removeAvatar(user));
				return;
			}
			if (Number(req.headers['content-length']) > profiles.maxBytes + 64 * 1024)
				throw profiles.tooLarge();
			sendJson(res, 200, await profiles.upload(user, req));
		} catch (err) {
			failRequest(req, res, err, this.deps.log);
		}
	}

	private async serve(
		req: IncomingMessage,
		res: ServerResponse,
		userId: number,
		token: string
	): Promise<void> {
		try {
			if (req.method !== 'GET' && req.method !== 'HEAD') {
				res.writeHead(405, { Allow: 'GET, HEAD' }).end();
				return;
			}
			const found = await this.deps.profiles.open(userId, token);
			if (!found) {
				sendJson(res, 404, { error: { code: 'not_found', message: 'Avatar not found' } });
				return;
			}
			res.writeHead(200, { ...AVATAR_HEADERS, 'Content-Length': String(found.size) });
			if (req.method === 'HEAD') {
				found.stream.destroy();
				res.end();
				return;
			}
			await pipeline(found.stream, res);
		} catch (err) {
			if (!res.headersSent) failRequest(req, res, err, this.deps.log);
			else res.destroy();
		}
	}
}
