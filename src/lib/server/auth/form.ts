import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { getApp } from '../app';
import { ServiceError } from '../errors';
import { setSessionCookie } from './cookies';
import { safeNext } from './redirect';
import { httpClientAddress } from '../realtime/address';

/**
 * The shared form action of /login and /register: works without JavaScript, keeps the
 * username, and names the field an error belongs to so the page shows it in place.
 */
export async function credentialsAction(event: RequestEvent, kind: 'login' | 'register') {
	const form = await event.request.formData();
	const username = String(form.get('username') ?? '');
	const password = String(form.get('password') ?? '');
	const auth = getApp().auth;
	try {
		const result = await auth[kind]({ username, password }, httpClientAddress(event));
		setSessionCookie(
			event.cookies,
			result.token,
			result.expiresAt,
			event.url.protocol === 'https:'
		);
	} catch (err) {
		if (err instanceof ServiceError) {
			if (err.details.retryAfterSeconds !== undefined) {
				event.setHeaders({ 'Retry-After': String(err.details.retryAfterSeconds) });
			}
			return fail(err.status, {
				username,
				field: err.details.field ?? 'form',
				message: err.message,
				code: err.code,
				// Parameters so the page words it in the user's language (docs/protocol.md).
				retry_after: err.details.retryAfterSeconds,
				reason: err.details.params?.reason
			});
		}
		throw err;
	}
	redirect(303, safeNext(event.url.searchParams.get('next'), event.url.origin));
}
