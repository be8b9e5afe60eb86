import sharp from 'sharp';

/** A thumbnail fits in this square (PROTOCOL.md §12: at most 480 px). */
export const THUMB_PX = 480;
/**
 * Images with more pixels than this are not decoded (a decompression bomb: a small PNG that
 * claims 100,000 × 100,000 pixels). 50 megapixels is more than any phone camera writes.
 */
export const MAX_PIXELS = 50_000_000;

sharp.cache(false);
sharp.concurrency(1);

/**
 * Dimensions and a WebP thumbnail of a raster image on disk, or undefined when it cannot be
 * decoded within the pixel limit (then it is served as a download, not inline).
 */
export async function thumbnail(
	source: string,
	target: string
): Promise<{ width: number; height: number } | undefined> {
	try {
		const image = sharp(source, { limitInputPixels: MAX_PIXELS, failOn: 'error' });
		const meta = await image.metadata();
		if (!meta.width || !meta.height) return undefined;
		// EXIF orientation 5–8 swaps the sides as displayed.
		const swapped = (meta.orientation ?? 1) >= 5;
		await image
			.rotate()
			.resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true })
			.webp({ quality: 80 })
			.toFile(target);
		return swapped
			? { width: meta.height, height: meta.width }
			: { width: meta.width, height: meta.height };
	} catch {
		return undefined;
	}
}
