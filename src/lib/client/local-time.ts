/** "14:05" in `timeZone` now, in the page's language; '' for no (or an unknown) zone. */
export function localTime(timeZone: string, locale: string, now = new Date()): string {
	if (!timeZone) return '';
	try {
		return new Intl.DateTimeFormat(locale, {
			timeZone,
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23'
		}).format(now);
	} catch {
		return '';
	}
}
