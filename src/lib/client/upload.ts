import type { FileContent } from '$lib/protocol/events';

/** What POST /api/uploads answers (PROTOCOL.md §12). */
export type UploadedFile = FileContent & { id: string };

/** Why an upload failed: the server's error code (`too_large`, `unauthorized`…) or `network`. */
export class UploadError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly max?: number
	) {
		super(message);
	}
}

export interface Upload<T = UploadedFile> {
	promise: Promise<T>;
	abort(): void;
}

/**
 * Sends one file as multipart/form-data with XMLHttpRequest, which (unlike fetch) reports
 * upload progress. `onprogress` gets 0…1. Aborting rejects with code `aborted`.
 */
export function uploadFile(file: File, onprogress: (fraction: number) => void): Upload {
	return uploadTo<UploadedFile>('/api/uploads', file, onprogress);
}

/** The same to another multipart endpoint (`/api/me/avatar`); any 2xx answer is its result. */
export function uploadTo<T>(
	url: string,
	file: File,
	onprogress: (fraction: number) => void
): Upload<T> {
	const xhr = new XMLHttpRequest();
	const promise = new Promise<T>((resolve, reject) => {
		xhr.open('POST', url);
		xhr.responseType = 'json';
		xhr.upload.onprogress = (e) => {
			if (e.lengthComputable) onprogress(e.loaded / e.total);
		};
		xhr.onload = () => {
			const body = xhr.response as
				| (T & { error?: undefined })
				| { error?: { code: string; message: string; max?: number } }
				| null;
			if (xhr.status >= 200 && xhr.status < 300 && body && !body.error) resolve(body as T);
			else {
				const err = body?.error;
				reject(
					new UploadError(
						err?.code ?? `http_${xhr.status}`,
						err?.message ?? xhr.statusText,
						err?.max
					)
				);
			}
		};
		xhr.onerror = () => reject(new UploadError('network', 'The upload failed'));
		xhr.onabort = () => reject(new UploadError('aborted', 'Upload cancelled'));
		const form = new FormData();
		form.append('file', file, file.name || 'pasted');
		xhr.send(form);
	});
	return { promise, abort: () => xhr.abort() };
}

/** 1.2 MB, 340 KB, 12 B: sizes as people read them. */
export function humanSize(bytes: number): string {
	if (bytes < 1000) return `${bytes} B`;
	const units = ['KB', 'MB', 'GB'];
	let value = bytes / 1000;
	let unit = 0;
	while (value >= 1000 && unit < units.length - 1) {
		value /= 1000;
		unit++;
	}
	return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
