import { fileTypeFromBuffer } from 'file-type';

/** Raster images served inline with their type and given dimensions and a thumbnail. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set([
	'image/png',
	'image/jpeg',
	'image/gif',
	'image/webp'
]);

/** How many leading bytes the sniffer looks at (file-type reads at most this many). */
export const SNIFF_BYTES = 4100;

/**
 * The type of a file decided from its first bytes, never from its name or the uploader's
 * claim: file-type's magic numbers. Text formats (HTML, SVG, scripts) have no magic number
 * and come out as application/octet-stream, which is how they are served anyway.
 */
export async function sniffType(head: Uint8Array): Promise<string> {
	const found = await fileTypeFromBuffer(head);
	return found?.mime ?? 'application/octet-stream';
}
