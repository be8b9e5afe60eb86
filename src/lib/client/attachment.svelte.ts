import { UploadError, uploadFile, type Upload, type UploadedFile } from './upload';

export type AttachmentStatus = 'uploading' | 'ready' | 'failed';

/**
 * The file attached in a composer, as in Slack: it starts uploading the moment it is chosen
 * (pasted, dropped), shows its progress and can be cancelled; Send posts it, with whatever
 * is typed as its caption, once it is up. One at a time per composer.
 */
export class Attachment {
	name = $state('');
	size = $state(0);
	/** 0…1 while uploading. */
	progress = $state(0);
	status = $state<AttachmentStatus | null>(null);
	/** The server's answer once uploaded. */
	uploaded = $state<UploadedFile | null>(null);
	/** Why it failed (an UploadError code with its `max`), for the composer to word. */
	error = $state<{ code: string; max?: number } | null>(null);
	/** A local preview of an image while it uploads (an object URL). */
	preview = $state<string | null>(null);
	private upload: Upload | null = null;

	get active(): boolean {
		return this.status !== null;
	}

	start(file: File): void {
		this.clear();
		this.name = file.name || 'pasted';
		this.size = file.size;
		this.status = 'uploading';
		if (file.type.startsWith('image/')) this.preview = URL.createObjectURL(file);
		const upload = uploadFile(file, (p) => {
			if (this.upload === upload) this.progress = p;
		});
		this.upload = upload;
		upload.promise.then(
			(result) => {
				if (this.upload !== upload) return;
				this.uploaded = result;
				this.progress = 1;
				this.status = 'ready';
			},
			(err: unknown) => {
				if (this.upload !== upload) return;
				const e = err instanceof UploadError ? err : new UploadError('network', String(err));
				if (e.code === 'aborted') return this.clear();
				this.error = { code: e.code, max: e.max };
				this.status = 'failed';
			}
		);
	}

	/** Cancels an upload in progress, or forgets the attachment. */
	clear(): void {
		const upload = this.upload;
		this.upload = null;
		upload?.abort();
		if (this.preview) URL.revokeObjectURL(this.preview);
		this.preview = null;
		this.name = '';
		this.size = 0;
		this.progress = 0;
		this.status = null;
		this.uploaded = null;
		this.error = null;
	}
}
