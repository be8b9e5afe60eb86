import type { Handle, ServerInit } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { SESSION_COOKIE } from '$lib/server/auth/sessions';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { paraglideMiddleware } from '$lib/paraglide/server';

const THEME_COOKIE = 'theme';
/** The theme the user picked (a cookie, so the first paint is right); '' follows the system. */
function themeOf(value: string | undefined): string {
	return value === 'light' || value === 'dark' ? value : '';
}

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
	// The locale (cookie, else Accept-Language) for this request; pages render in it.
	const response = await paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) =>
				html.replace('%lang%', locale).replace('%theme%', themeOf(event.cookies.get(THEME_COOKIE)))
		});
	});
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	return response;
};
