/** The longest file name kept, in code points (the extension is kept when cutting). */
const MAX_NAME = 200;

/**
 * A file name as shown and as sent in Content-Disposition: the last path segment only (no
 * `../`, no `C:\`), without control characters or bidirectional overrides (a name like
 * `evil\u202Egnp.exe` displays as `evilexe.png`), trimmed of dots and spaces at the ends,
 * at most 200 characters. Never used as a path: blobs are stored under random ids.
 */
export function cleanFileName(raw: string): string {
	const last = raw.split(/[/\\]/).pop() ?? '';
	const cleaned = last
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
		.replace(/^[\s.]+|[\s.]+$/g, '');
	const chars = [...cleaned];
	if (chars.length === 0) return 'file';
	if (chars.length <= MAX_NAME) return cleaned;
	const dot = cleaned.lastIndexOf('.');
	const ext = dot > 0 ? [...cleaned.slice(dot)].slice(0, 16).join('') : '';
	return chars.slice(0, MAX_NAME - [...ext].length).join('') + ext;
}

/** `attachment; filename="…"; filename*=UTF-8''…` with an ASCII fallback (RFC 6266). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
	const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
