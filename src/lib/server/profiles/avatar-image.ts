import sharp from 'sharp';
import { MAX_PIXELS } from '../files/images';

/** Avatars are squares of this many pixels (docs/protocol.md, "Profiles (issue 15)"). */
export const AVATAR_PX = 256;

/**
 * A square WebP avatar from the image at `source`, written to `target`: turned upright (EXIF),
 * cropped to a square around what sharp's attention strategy finds interesting, and resized
 * to AVATAR_PX (a smaller image is enlarged: every avatar has one size). Only the first frame
 * of an animation is kept. False when the image cannot be decoded within the pixel limit.
 */
export async function squareAvatar(source: string, target: string): Promise<boolean> {
	try {
		await sharp(source, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
			.rotate()
			.resize(AVATAR_PX, AVATAR_PX, { fit: 'cover', position: sharp.strategy.attention })
			.webp({ quality: 82 })
			.toFile(target);
		return true;
	} catch {
		return false;
	}
}
