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
	// A login after an admin's password reset: "Choose a new password" (new and confirm).
	const changing = kind === 'login' && form.has('new_password');
	const newPassword = String(form.get('new_password') ?? '');
	const auth = getApp().auth;
	try {
		if (changing && newPassword !== String(form.get('confirm_password') ?? ''))
			throw new ServiceError('password_mismatch', 'The passwords do not match', 400, {
				field: 'confirm_password'
			});
		const result = await auth[kind](
			changing ? { username, password, new_password: newPassword } : { username, password },
			httpClientAddress(event),
			event.request.headers.get('user-agent') ?? ''
		);
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
				changing: changing || err.code === 'password_change_required',
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
