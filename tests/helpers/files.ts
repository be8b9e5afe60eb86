import sharp from 'sharp';
import type { TestServer } from './server';

/** A raster image of `width` × `height` in `format`, made by sharp (no fixtures on disk). */
export function image(
	format: 'png' | 'jpeg' | 'gif' | 'webp',
	width = 800,
	height = 600
): Promise<Buffer> {
	return sharp({
		create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } }
	})
		.toFormat(format)
		.toBuffer();
}

/** POSTs one file as multipart/form-data, the way the web app's "Attach file" does. */
export function upload(
	server: TestServer,
	cookie: string | undefined,
	bytes: Buffer | Uint8Array,
	name: string,
	opts: { type?: string; origin?: string } = {}
): Promise<Response> {
	const form = new FormData();
	form.append(
		'file',
		new Blob([new Uint8Array(bytes)], { type: opts.type ?? 'application/octet-stream' }),
		name
	);
	return fetch(`${server.url}/api/uploads`, {
		method: 'POST',
		headers: { ...(cookie && { cookie }), origin: opts.origin ?? server.url },
		body: form
	});
}

/** GETs a file URL (relative to the server) with a session cookie, or none. */
export function download(server: TestServer, url: string, cookie?: string): Promise<Response> {
	return fetch(`${server.url}${url}`, { headers: cookie ? { cookie } : {} });
}
