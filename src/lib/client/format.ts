import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function format(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `${getLocale()}|${JSON.stringify(options)}`;
	let f = timeFormats.get(key);
	if (!f) timeFormats.set(key, (f = new Intl.DateTimeFormat(getLocale(), options)));
	return f;
}

export function timeOf(seconds: number): string {
	return format({ hour: '2-digit', minute: '2-digit' }).format(seconds * 1000);
}

export function fullTimeOf(seconds: number): string {
	return format({ dateStyle: 'full', timeStyle: 'short' }).format(seconds * 1000);
}

export function dayKey(seconds: number): string {
	const d = new Date(seconds * 1000);
	return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(seconds: number, now = Date.now()): string {
	const key = dayKey(seconds);
	if (key === dayKey(now / 1000)) return m.today();
	if (key === dayKey(now / 1000 - 86400)) return m.yesterday();
	return format({ weekday: 'long', month: 'long', day: 'numeric' }).format(seconds * 1000);
}

/** 75 → "1:15", 3700 → "1:01:40". */
export function countdown(totalSeconds: number): string {
	const s = Math.max(0, Math.ceil(totalSeconds));
	const h = Math.floor(s / 3600);
	const mm = Math.floor((s % 3600) / 60);
	const ss = String(s % 60).padStart(2, '0');
	return h ? `${h}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

export function typingText(names: string[]): string {
	if (names.length === 0) return '';
	if (names.length === 1) return m.typing_one({ name: names[0] });
	if (names.length === 2) return m.typing_two({ a: names[0], b: names[1] });
	return m.typing_many();
}

export function membersText(count: number): string {
	return count === 1 ? m.members_one() : m.members_other({ count });
}
