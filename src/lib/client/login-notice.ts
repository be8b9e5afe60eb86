import type { LoginReason } from '$lib/login-reasons';

/**
 * The admin's free-text reason for a kick or ban travels to the login page in this tab's
 * sessionStorage (only our own origin can write it), never in the URL (anyone can write a
 * link). The URL carries only the reason code.
 */
const KEY = 'login-notice';
const MAX_DETAIL = 500;

/** The login page's address for `reason`; `detail` is shown there if this tab opens it. */
export function loginUrl(reason: LoginReason, detail = ''): string {
	try {
		sessionStorage.setItem(KEY, JSON.stringify({ reason, detail }));
	} catch {
		// No storage (private mode, tests): the page shows the reason without the detail.
	}
	return `/login?reason=${reason}`;
}

/** The detail stored for `reason` (read once), or ''. */
export function takeLoginDetail(reason: LoginReason): string {
	try {
		const raw = sessionStorage.getItem(KEY);
		sessionStorage.removeItem(KEY);
		const stored: unknown = raw ? JSON.parse(raw) : null;
		if (
			stored &&
			typeof stored === 'object' &&
			(stored as { reason?: unknown }).reason === reason &&
			typeof (stored as { detail?: unknown }).detail === 'string'
		)
			return (stored as { detail: string }).detail.slice(0, MAX_DETAIL);
	} catch {
		// Unavailable or unreadable storage: no detail.
	}
	return '';
}
