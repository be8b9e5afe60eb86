import { randomUUID } from 'node:crypto';
import { json, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { getApp, initApp } from '$lib/server/app';
import { SESSION_COOKIE } from '$lib/server/auth/sessions';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { httpClientAddress } from '$lib/server/realtime/address';

const THEME_COOKIE = 'theme';
/** The theme the user picked (a cookie, so the first paint is right); '' follows the system. */
function themeOf(value: string | undefined): string {
	return value === 'light' || value === 'dark' ? value : '';
}

/**
 * Opening the app at start-up runs migrations, loads state and registers the gateway for
 * server.js. adapter-node's handler awaits this (`await server.init(…)` at import), so the
 * app is ready when server.js has imported the handler, before any request.
 */
export const init: ServerInit = async () => {
	await initApp();
};

/** An incoming X-Request-Id is kept (a proxy's id ties its log to ours) if it looks like one. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Pages get SvelteKit's CSP (svelte.config.js, with nonces); everything else (API JSON,
 * errors, /metrics) gets one that allows nothing, so no response can be framed or run code.
 */
const STRICT_CSP =
	"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const QUIET_PATHS = new Set(['/healthz', '/metrics']);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A write to the API from another site's page: refused before the session is read. SameSite
 * cookies and the JSON content type already stop browsers; this holds even for a browser
 * that sends cookies cross-site. Requests without Origin (scripts, bots) are not browsers.
 */
function crossOriginWrite(request: Request, url: URL, allowed: string[]): boolean {
	if (SAFE_METHODS.has(request.method) || !url.pathname.startsWith('/api/')) return false;
	const origin = request.headers.get('origin');
	return origin !== null && origin !== url.origin && !allowed.includes(origin);
}

export const handle: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const app = getApp();
	const incoming = event.request.headers.get('x-request-id');
	const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
	event.locals.requestId = requestId;

	if (crossOriginWrite(event.request, event.url, app.config.allowedOrigins)) {
		const refused = json(
			{ error: { code: 'forbidden', message: 'Cross-origin request refused' } },
			{ status: 403 }
		);
		setSecurityHeaders(refused.headers);
		return refused;
	}
	const token = event.cookies.get(SESSION_COOKIE);
	const found = token ? await app.auth.sessions.validate(token, httpClientAddress(event)) : null;
	event.locals.user = found && !found.user.bannedAt ? found.user : null;
	event.locals.sessionId = found?.session.id ?? null;
	if (found)
		setSessionCookie(
			event.cookies,
			token!,
			found.session.expiresAt,
			event.url.protocol === 'https:'
		);
	// The locale (cookie, else Accept-Language) for this request; pages render in it.
	const response = await paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) =>
				html.replace('%lang%', locale).replace('%theme%', themeOf(event.cookies.get(THEME_COOKIE)))
		});
	});
	setSecurityHeaders(response.headers);
	response.headers.set('X-Request-Id', requestId);

	const seconds = (performance.now() - started) / 1000;
	const route = event.route.id ?? 'unmatched';
	app.metrics.httpRequest(event.request.method, route, response.status, seconds);
	// Path only: query strings may carry tokens. Never bodies (passwords, message text).
	// Health checks and scrapes come every few seconds: debug, so they do not drown the rest.
	const level = QUIET_PATHS.has(event.url.pathname) ? 'debug' : 'info';
	app.log[level](
		{
			req: requestId,
			method: event.request.method,
			path: event.url.pathname,
			status: response.status,
			ms: Math.round(seconds * 10000) / 10,
			user: event.locals.user?.id
		},
		'request'
	);
	return response;
};

function setSecurityHeaders(headers: Headers): void {
	if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', STRICT_CSP);
	headers.set('X-Content-Type-Options', 'nosniff');
	headers.set('Referrer-Policy', 'same-origin');
	// For browsers that predate CSP's frame-ancestors.
	headers.set('X-Frame-Options', 'DENY');
}

/** Unexpected errors: logged with the request id, shown to the user as a bare 500. */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status !== 404) {
		getApp().log.error(
			{ req: event.locals.requestId, path: event.url.pathname, err: error },
			'request failed'
		);
	}
	return { message, code: status === 404 ? 'not_found' : 'internal' };
};
