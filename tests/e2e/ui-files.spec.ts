import { expect, test, type Page } from '@playwright/test';
import { startServer, type TestServer } from '../helpers/server';
import { image } from '../helpers/files';
import { history, person, send } from './ui-helpers';

/** Issue 14 item 4: attach, paste and drop files; images inline and in a viewer; errors. */

async function snap(page: Page, name: string) {
	const dir = process.env.SCREENSHOTS;
	if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

/** Puts a file on the page's clipboard event or drag, as the browser would: a DataTransfer. */
async function dataTransferOf(page: Page, bytes: Buffer, name: string, type: string) {
	return page.evaluateHandle(
		({ b64, name, type }) => {
			const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
			const dt = new DataTransfer();
			dt.items.add(new File([raw], name, { type }));
			return dt;
		},
		{ b64: bytes.toString('base64'), name, type }
	);
}

test('attach an image: progress and cancel, then inline for the other browser, opens in a viewer', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	const png = await image('png', 900, 600);
	// An upload held by the network shows its progress and can be cancelled.
	let release = () => {};
	await alice.page.route('**/api/uploads', async (route) => {
		await new Promise<void>((resolve) => (release = resolve));
		await route.abort();
	});
	await alice.page
		.getByRole('button', { name: 'Attach file' })
		.setInputFiles({ name: 'draft.png', mimeType: 'image/png', buffer: png });
	await expect(alice.page.getByRole('progressbar', { name: 'Uploading draft.png' })).toBeVisible();
	await expect(alice.page.getByRole('button', { name: 'Send' })).toBeDisabled();
	await alice.page.getByRole('button', { name: 'Cancel upload' }).click();
	await expect(alice.page.getByRole('progressbar')).toBeHidden();
	release();
	await alice.page.unrouteAll({ behavior: 'ignoreErrors' });

	await alice.page.getByLabel('Message').fill('the new logo');
	await alice.page
		.getByRole('button', { name: 'Attach file' })
		.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png });
	// Uploaded: the chip offers to remove it; Send posts it with the typed caption.
	await expect(alice.page.getByRole('button', { name: 'Remove attachment' })).toBeVisible();
	await alice.page.getByRole('button', { name: 'Send' }).click();
	await expect(alice.page.getByLabel('Message')).toHaveValue('');

	const thumb = bob.page.getByRole('button', { name: 'Open image logo.png' });
	await expect(thumb).toBeVisible();
	await expect(history(bob.page).getByText('the new logo')).toBeVisible();
	// The box has the image's aspect ratio before and after the thumbnail loads (no jump).
	const box = await thumb.boundingBox();
	expect(Math.abs(box!.width / box!.height - 1.5)).toBeLessThan(0.03);
	await expect(thumb.locator('img')).toHaveJSProperty('complete', true);
	expect(await thumb.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(
		480
	);
	await snap(bob.page, 'files-inline');
	await thumb.click();
	const viewer = bob.page.getByRole('dialog', { name: 'Image viewer' });
	await expect(viewer).toBeVisible();
	await expect(viewer.getByRole('img', { name: 'logo.png' })).toBeVisible();
	await snap(bob.page, 'files-viewer');
	await bob.page.keyboard.press('Escape');
	await expect(viewer).toBeHidden();
	await expect(thumb).toBeFocused();
	await alice.close();
	await bob.close();
});

test('paste a screenshot and drop a document onto the conversation', async ({ browser }) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	const { page } = alice;

	const shot = await image('png', 400, 300);
	const pasted = await dataTransferOf(page, shot, 'screenshot.png', 'image/png');
	await page.getByLabel('Message').focus();
	await page.getByLabel('Message').evaluate((el, dt) => {
		el.dispatchEvent(
			new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true })
		);
	}, pasted);
	await expect(page.getByRole('button', { name: 'Remove attachment' })).toBeVisible();
	await send(page, 'pasted from the clipboard');
	await expect(bob.page.getByRole('button', { name: 'Open image screenshot.png' })).toBeVisible();
	await expect(history(bob.page).getByText('pasted from the clipboard')).toBeVisible();

	const notes = Buffer.from('minutes of the meeting\n');
	const dropped = await dataTransferOf(page, notes, 'minutes.txt', 'text/plain');
	const pane = page.locator('main.pane');
	await pane.dispatchEvent('dragenter', { dataTransfer: dropped });
	await pane.dispatchEvent('dragover', { dataTransfer: dropped });
	await expect(page.getByText('Drop the file to attach it')).toBeVisible();
	await snap(page, 'files-drop');
	await pane.dispatchEvent('drop', { dataTransfer: dropped });
	await expect(page.getByText('Drop the file to attach it')).toBeHidden();
	await expect(page.getByRole('button', { name: 'Remove attachment' })).toBeVisible();
	await page.getByRole('button', { name: 'Send' }).click();
	const link = bob.page.getByRole('link', { name: 'Download minutes.txt' });
	await expect(link).toBeVisible();
	await expect(history(bob.page).getByText('23 B')).toBeVisible();
	// The download is the file's bytes, as an attachment.
	const res = await bob.page.request.get((await link.getAttribute('href'))!);
	expect(res.status()).toBe(200);
	expect(res.headers()['content-disposition']).toMatch(/^attachment/);
	expect(await res.text()).toBe('minutes of the meeting\n');
	await snap(bob.page, 'files-card');
	await alice.close();
	await bob.close();
});

test.describe('with a small upload limit', () => {
	let server: TestServer;
	test.beforeAll(async () => {
		server = await startServer({ MAX_UPLOAD_BYTES: '2000' });
	});
	test.afterAll(() => server?.dispose());

	test('a file over the limit says so in the composer and keeps what was typed', async ({
		browser
	}) => {
		// On a phone, in the dark: the chip and its error fit.
		const alice = await person(browser, 'alice', {
			base: server.url,
			baseURL: server.url,
			viewport: { width: 360, height: 740 },
			colorScheme: 'dark'
		});
		const { page } = alice;
		await page.getByLabel('Message').fill('here is the report');
		await page.getByRole('button', { name: 'Attach file' }).setInputFiles({
			name: 'report.pdf',
			mimeType: 'application/pdf',
			buffer: Buffer.alloc(5000, 1)
		});
		await expect(page.getByRole('alert').filter({ hasText: 'too large' })).toContainText(
			'The file is too large (the limit is 2.0 KB).'
		);
		await expect(page.getByLabel('Message')).toHaveValue('here is the report');
		await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
		const chip = await page.getByRole('alert').filter({ hasText: 'too large' }).boundingBox();
		expect(chip!.x + chip!.width).toBeLessThanOrEqual(360);
		await snap(page, 'files-too-large');
		// Removing the failed file leaves the text ready to send.
		await page.getByRole('button', { name: 'Remove attachment' }).click();
		await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
		await alice.close();
	});
});
