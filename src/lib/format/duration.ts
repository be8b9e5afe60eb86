const UNITS: [string, number][] = [
	['day', 86400],
	['hour', 3600],
	['minute', 60],
	['second', 1]
];

/**
 * A span of time in words, at most two units: "5 minutes", "1 hour 30 minutes",
 * "29 days 23 hours". Shared by server messages (mute errors, notices) and the UI.
 */
export function formatDuration(totalSeconds: number): string {
	let left = Math.max(0, Math.round(totalSeconds));
	if (left === 0) return '0 seconds';
	const parts: string[] = [];
	for (const [name, size] of UNITS) {
		if (parts.length === 2) break;
		const n = Math.floor(left / size);
		if (n === 0) {
			if (parts.length) break; // "1 hour 5 seconds" reads worse than "1 hour"
			continue;
		}
		parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
		left -= n * size;
	}
	return parts.join(' ');
}

/** A countdown clock: "4:59", "1:00:00", "2d 03:04:05". */
export function formatCountdown(totalSeconds: number): string {
	const s = Math.max(0, Math.ceil(totalSeconds));
	const days = Math.floor(s / 86400);
	const h = Math.floor((s % 86400) / 3600);
	const m = Math.floor((s % 3600) / 60);
	const sec = s % 60;
	const pad = (n: number) => String(n).padStart(2, '0');
	if (days) return `${days}d ${pad(h)}:${pad(m)}:${pad(sec)}`;
	if (h) return `${h}:${pad(m)}:${pad(sec)}`;
	return `${m}:${pad(sec)}`;
}
