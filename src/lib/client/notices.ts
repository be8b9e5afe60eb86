import type { ModerationNotice } from '$lib/protocol/admin';
import type { ErrorCode } from '$lib/protocol/errors';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { fullTimeOf } from './format';

/**
 * What the server says, in the user's language. The server sends codes and structured data
 * (a `moderation` notice's action and names, an error's code and `until`/`retry_after`/`max`);
 * the sentences are built here, so nothing the server words in English reaches the screen
 * when the client knows the case. Unknown cases fall back to the server's text.
 */

type Content = Record<string, unknown>;

const UNITS = [
	[86400, m.dur_day_one, m.dur_day_other],
	[3600, m.dur_hour_one, m.dur_hour_other],
	[60, m.dur_minute_one, m.dur_minute_other],
	[1, m.dur_second_one, m.dur_second_other]
] as const;

/** "5 minutes", "1 hour 30 minutes", "2 天 3 小时": at most two units, like the server's. */
export function durationText(totalSeconds: number): string {
	let left = Math.max(0, Math.round(totalSeconds));
	const parts: string[] = [];
	for (const [size, one, other] of UNITS) {
		if (parts.length === 2) break;
		const n = Math.floor(left / size);
		if (n === 0) {
			if (parts.length) break;
			continue;
		}
		parts.push(n === 1 ? one() : other({ count: n }));
		left -= n * size;
	}
	if (!parts.length) parts.push(m.dur_second_other({ count: 0 }));
	return parts.join(getLocale() === 'zh' ? '' : ' ');
}

function str(v: unknown): string {
	return typeof v === 'string' ? v : '';
}

/** A `moderation` notice as a sentence: "bob was muted for 5 minutes by alice: spam". */
export function moderationText(c: Content): string {
	const n = c as Partial<ModerationNotice>;
	const targetId = Number(n.target_id);
	const target = str(n.target_name) || str(c.user_name) || m.guest_name({ id: targetId || '?' });
	const actor = str(n.actor_name) || str(n.by);
	const duration =
		typeof n.duration_seconds === 'number'
			? n.duration_seconds
			: typeof n.until === 'number' && typeof n.timestamp === 'number'
				? n.until - n.timestamp
				: null;
	let notice: string;
	switch (n.action) {
		case 'kick':
			notice = m.mod_kick({ target, actor });
			break;
		case 'mute':
			notice =
				duration !== null
					? m.mod_mute({ target, actor, duration: durationText(duration) })
					: m.mod_mute({ target, actor, duration: '' }).replace(/\s{2,}/g, ' ');
			break;
		case 'unmute':
			notice = m.mod_unmute({ target, actor });
			break;
		case 'ban':
			notice = m.mod_ban({ target, actor });
			break;
		case 'unban':
			notice = m.mod_unban({ target, actor });
			break;
		case 'promote':
			notice = m.mod_promote({ target, actor });
			break;
		case 'demote':
			notice = m.mod_demote({ target, actor });
			break;
		default:
			// A newer server's action: its own words are the best we have.
			return str(n.text) || str(c.message);
	}
	const reason = str(n.reason);
	return reason ? m.mod_with_reason({ notice, reason }) : notice;
}

/** An `error` event's content in the user's language (the composer shows it). */
export function errorText(c: Content): string {
	const code = str(c.code) as ErrorCode;
	const num = (k: string) => (typeof c[k] === 'number' ? (c[k] as number) : null);
	switch (code) {
		case 'too_large': {
			const max = num('max');
			return max !== null ? m.err_too_large({ max }) : str(c.message);
		}
		case 'rate_limited': {
			const seconds = num('retry_after');
			return seconds !== null ? m.err_rate_limited({ seconds }) : m.err_rate_limited_plain();
		}
		case 'muted': {
			const until = num('until');
			return until !== null ? m.err_muted({ time: fullTimeOf(until) }) : str(c.message);
		}
		case 'empty':
			return m.err_empty();
		case 'forbidden':
			return m.err_forbidden();
		case 'not_found':
			return m.err_not_found();
		case 'archived':
			return m.err_archived();
		case 'invalid_name':
			return m.err_invalid_name();
		default:
			if (/room name/i.test(str(c.message))) return m.err_room_name();
			return str(c.message);
	}
}

/** The fields a login/register form failure carries (src/lib/server/auth/form.ts). */
export interface AuthFailure {
	code?: string;
	field?: string;
	message?: string;
	retry_after?: number;
	reason?: string;
}

/** A login or registration failure in the user's language. */
export function authErrorText(f: AuthFailure): string {
	switch (f.code) {
		case 'invalid_input':
			if (f.field === 'password' || f.field === 'new_password') return m.auth_err_password();
			if (f.field === 'username') return m.auth_err_username();
			return m.auth_err_required();
		case 'taken':
			return m.auth_err_taken();
		case 'wrong_credentials':
			return f.field === 'current_password' ? m.account_err_current_wrong() : m.auth_err_wrong();
		case 'password_change_required':
			return m.auth_err_change_required();
		case 'password_mismatch':
			return m.auth_err_mismatch();
		case 'banned':
			return f.reason ? m.auth_err_banned_reason({ reason: f.reason }) : m.auth_err_banned();
		case 'throttled':
		case 'rate_limited':
			return typeof f.retry_after === 'number'
				? m.auth_err_throttled({ seconds: f.retry_after })
				: m.auth_err_throttled_plain();
		case 'registration_closed':
			return m.auth_err_closed();
		default:
			return f.message ?? m.auth_err_other();
	}
}
