import type { AdminActionName, AuditEntry } from '$lib/protocol/admin';
import { formatCountdown } from '$lib/format/duration';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

/**
 * The admin panel's words and numbers in the user's language: figures, clocks, dates,
 * audit-log action names, the notices after an action and the API's errors (rendered from
 * their codes, like the chat's). Formatters are made once per locale and options.
 */

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** 1234 → "1,234" in English, "1,234" in Chinese too; follows the locale either way. */
export function num(v: number): string {
	const locale = getLocale();
	let f = numberFormats.get(locale);
	if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale)));
	return f.format(v);
}

function dates(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `${getLocale()}|${JSON.stringify(options)}`;
	let f = dateFormats.get(key);
	if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(getLocale(), options)));
	return f;
}

/** An audit-log time, to the second: "12 Mar, 14:05:09" / "3月12日 14:05:09". */
export function auditTime(unix: number): string {
	return dates({
		month: 'short',
		day: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit'
	}).format(unix * 1000);
}

/** A mute's end or a ban's start in the user panel: "12 Mar 2025, 14:05". */
export function dateTime(unix: number): string {
	return dates({ dateStyle: 'medium', timeStyle: 'short' }).format(unix * 1000);
}

/**
 * Uptime as two figures with their units, "3d 4h", "2h 5m", "4m 9s" (天/小时/分/秒 in
 * Chinese): separate so the card can set the units smaller and the figure fits one line.
 */
export function uptime(s: number): { value: string; unit: string }[] {
	const d = Math.floor(s / 86400);
	const h = Math.floor((s % 86400) / 3600);
	const mm = Math.floor((s % 3600) / 60);
	const part = (value: number, unit: () => string) => ({ value: num(value), unit: unit() });
	if (d) return [part(d, m.admin_unit_day), part(h, m.admin_unit_hour)];
	if (h) return [part(h, m.admin_unit_hour), part(mm, m.admin_unit_minute)];
	return [part(mm, m.admin_unit_minute), part(s % 60, m.admin_unit_second)];
}

/** A mute countdown: "4:59", "1:00:00"; whole days in words: "2d 03:04:05", "2 天 03:04:05". */
export function countdown(totalSeconds: number): string {
	const clock = formatCountdown(totalSeconds);
	const days = /^(\d+)d (.*)$/.exec(clock);
	return days ? m.admin_countdown_days({ d: days[1], clock: days[2] }) : clock;
}

const ACTION_LABEL: Record<AuditEntry['action'], () => string> = {
	kick: m.admin_action_kick,
	mute: m.admin_action_mute,
	unmute: m.admin_action_unmute,
	ban: m.admin_action_ban,
	unban: m.admin_action_unban,
	promote: m.admin_action_promote,
	demote: m.admin_action_demote,
	create_user: m.admin_action_create_user,
	delete_message: m.admin_action_delete_message,
	remove_member: m.admin_action_remove_member,
	update_room: m.admin_action_update_room,
	reset_password: m.admin_action_reset_password
};

/** An audit-log action's name; a newer server's unknown action shows as it is. */
export function actionLabel(action: string): string {
	return (ACTION_LABEL as Record<string, (() => string) | undefined>)[action]?.() ?? action;
}

const DONE: Record<AdminActionName, (p: { name: string }) => string> = {
	kick: m.admin_done_kick,
	mute: m.admin_done_mute,
	unmute: m.admin_done_unmute,
	ban: m.admin_done_ban,
	unban: m.admin_done_unban,
	promote: m.admin_done_promote,
	demote: m.admin_done_demote
};

/** The notice after an action went through: "bob was kicked." */
export function doneText(action: AdminActionName, name: string): string {
	return DONE[action]({ name });
}

/** The admin API's `{"error": {...}}` body (PROTOCOL.md §9). */
export interface ApiError {
	code?: string;
	message?: string;
	field?: string;
}

/**
 * An admin API failure in the user's language, from its code. The `forbidden` cases
 * (yourself, another admin, a guest's ban or role, the last admin) share one code, so one
 * sentence names the rules; the buttons already keep the panel from most of them. The HTTP
 * API does not send `field` yet, so `invalid_input` is told apart by its English text (the
 * form's own checks catch these first). Unknown cases fall back to the server's text.
 */
export function apiErrorText(error: ApiError | undefined, status: number): string {
	const field = error?.field ?? /password|username|duration|mute/i.exec(error?.message ?? '')?.[0];
	switch (error?.code) {
		case 'forbidden':
			return m.admin_err_forbidden();
		case 'not_found':
			return m.admin_err_not_found();
		case 'taken':
			return m.auth_err_taken();
		case 'rate_limited':
		case 'throttled':
			return m.auth_err_throttled_plain();
		case 'invalid_input':
			if (/^password$/i.test(field ?? '')) return m.auth_err_password();
			if (/^username$/i.test(field ?? '')) return m.auth_err_username();
			if (/^(duration(_seconds)?|mute)$/i.test(field ?? '')) return m.admin_err_mute_range();
	}
	return error?.message ?? m.admin_failed({ status });
}
