import type { Cookies } from '@sveltejs/kit';
import { SESSION_COOKIE } from './sessions';

/** The session cookie: HttpOnly, SameSite=Lax, Secure under HTTPS, expiring with the session. */
export function setSessionCookie(
	cookies: Cookies,
	token: string,
	expiresAt: number,
	secure: boolean
): void {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure,
		expires: new Date(expiresAt * 1000)
	});
}

export function clearSessionCookie(cookies: Cookies): void {
	cookies.delete(SESSION_COOKIE, { path: '/' });
}
