/**
 * A user agent to the names a person recognises ("Firefox on Linux") for the session list.
 * Ours and small on purpose: the browsers and systems people use, by their tell-tale
 * tokens, in the order that matters (Edge and Opera also say "Chrome", Chrome says
 * "Safari", Android says "Linux"). Anything else is null and shown as unknown.
 */

export interface Device {
	browser: string | null;
	os: string | null;
}

const BROWSERS: [RegExp, string][] = [
	[/\bEdg(e|A|iOS)?\//, 'Edge'],
	[/\bOPR\/|\bOpera\b/, 'Opera'],
	[/\bSamsungBrowser\//, 'Samsung Internet'],
	[/\bVivaldi\//, 'Vivaldi'],
	[/\bYaBrowser\//, 'Yandex Browser'],
	[/\bFirefox\/|\bFxiOS\//, 'Firefox'],
	[/\bChrome\/|\bCriOS\/|\bChromium\//, 'Chrome'],
	[/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
	[/\bnode\b|undici/i, 'Node.js'],
	[/\bcurl\//, 'curl']
];

const SYSTEMS: [RegExp, string][] = [
	[/\biPhone\b|\biPad\b|\biPod\b/, 'iOS'],
	[/\bAndroid\b/, 'Android'],
	[/\bCrOS\b/, 'ChromeOS'],
	[/\bWindows\b/, 'Windows'],
	[/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
	[/\bLinux\b|\bX11\b/, 'Linux']
];

function first(ua: string, table: [RegExp, string][]): string | null {
	for (const [pattern, name] of table) if (pattern.test(ua)) return name;
	return null;
}

export function parseUserAgent(ua: string): Device {
	// Headless Chrome is Chrome for the person reading the list.
	return { browser: first(ua, BROWSERS), os: first(ua, SYSTEMS) };
}

/** "Firefox on Linux", "Safari", "Linux"; "Unknown device" when nothing is recognised. */
export function describeDevice(ua: string): string {
	const { browser, os } = parseUserAgent(ua);
	if (browser && os) return `${browser} on ${os}`;
	return browser ?? os ?? 'Unknown device';
}
