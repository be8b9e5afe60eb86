import type { Handle, ServerInit } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { SESSION_COOKIE } from '$lib/server/auth/sessions';
import { setSessionCookie } from '$lib/server/auth/cookies';

/** Opening the app at start-up runs migrations and registers the gateway for server.js. */
export const init: ServerInit = () => {
	getApp();
};

export const handle: Handle = async ({ event, resolve }) => {
	const app = getApp();
	const token = event.cookies.get(SESSION_COOKIE);
	const found = token ? app.auth.sessions.validate(token) : null;
	event.locals.user = found && !found.user.bannedAt ? found.user : null;
	event.locals.sessionId = found?.session.id ?? null;
	if (found)
		setSessionCookie(
			event.cookies,
			token!,
			found.session.expiresAt,
			event.url.protocol === 'https:'
		);
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	return response;
};
