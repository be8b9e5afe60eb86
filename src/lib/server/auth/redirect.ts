/**
 * Where to go after logging in: `next` resolved against the app's own origin, accepted only
 * when the origin stays the same, and returned as path + query + hash of the resolved URL.
 * Checking the raw text ("starts with / but not //") let `/\evil.example` and `/\t/evil.example`
 * through, which browsers read as `//evil.example`: the URL parser decides, the way a
 * browser would, instead of a guess about its rules.
 */
export function safeNext(next: string | null, origin: string): string {
	if (!next) return '/';
	let url: URL;
	try {
		url = new URL(next, origin);
	} catch {
		return '/';
	}
	if (url.origin !== origin) return '/';
	return url.pathname + url.search + url.hash;
}
