import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { conversation, history, person, send } from './ui-helpers';

/**
 * Issue 15 item 2: profiles. One person uploads an avatar and sets a status and a time zone;
 * another (a 360 px phone in the dark) sees the avatar appear live beside their messages and
 * in the people list, and the status and local time on the profile card.
 */

async function snap(page: Page, name: string) {
	const dir = process.env.SCREENSHOTS;
	if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

/** Opens the settings (in the drawer on a phone). */
async function openSettings(page: Page, label = 'Profile and settings') {
	const drawer = page.getByRole('button', { name: /^(Open conversations|打开会话列表)$/ });
	if (await drawer.isVisible()) await drawer.click();
	await page.getByRole('button', { name: label }).click();
}

/** Opens "Edit profile" from the settings. */
async function openProfileEditor(page: Page) {
	await openSettings(page);
	await page.getByRole('button', { name: 'Edit profile…' }).click();
	return page.getByRole('dialog', { name: 'Edit profile' });
}

test('an avatar upload appears for others live; status and local time show on the profile card', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob', {
		viewport: { width: 360, height: 740 },
		colorScheme: 'dark'
	});
	// Unique text: the end-to-end run shares one server, and other specs greet from "alice" too.
	const hello = `hello from ${alice.name}`;
	await send(alice.page, hello);
	const row = history(bob.page).locator('article', { hasText: hello });
	await expect(row).toBeVisible();
	// The generated initial first: no image.
	await expect(row.locator('.gutter img')).toHaveCount(0);
	await expect(row.locator('.gutter .avatar')).toHaveText(alice.name[0].toUpperCase());

	const dialog = await openProfileEditor(alice.page);
	// Prefilled with the device's time zone, not saved yet.
	await expect(dialog.getByLabel('Time zone')).not.toHaveValue('');
	const png = await sharp({
		create: { width: 640, height: 360, channels: 3, background: { r: 220, g: 80, b: 40 } }
	})
		.png()
		.toBuffer();
	await dialog
		.getByLabel('Upload avatar')
		.setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
	await expect(dialog.getByRole('button', { name: 'Remove avatar' })).toBeVisible();
	await expect(dialog.locator('.avatar img')).toHaveAttribute('src', /^\/avatars\//);

	// Live, without a reload: beside the message, and in the people list.
	await expect(row.locator('.gutter img')).toHaveAttribute('src', /^\/avatars\/\d+\/[\w-]+\.webp$/);
	await bob.page.getByRole('button', { name: 'Open conversations' }).click();
	await expect(conversation(bob.page, `Chat with ${alice.name}`).locator('img')).toHaveAttribute(
		'src',
		/^\/avatars\//
	);
	await bob.page.keyboard.press('Escape');

	// Status and time zone, by keyboard.
	await dialog.getByLabel('Status').fill('Out to lunch 🍜');
	await dialog.getByLabel('Time zone').selectOption('Asia/Tokyo');
	await dialog.getByLabel('Time zone').focus();
	await alice.page.keyboard.press('Tab');
	await alice.page.keyboard.press('Enter');
	await expect(dialog.getByText('Profile saved')).toBeVisible();
	await snap(alice.page, 'profile-editor-desktop');

	// A bad file is refused with a clear message.
	await dialog
		.getByLabel('Upload avatar')
		.setInputFiles({ name: 'x.png', mimeType: 'image/png', buffer: Buffer.from('not an image') });
	await expect(dialog.getByRole('alert')).toHaveText(
		'That file is not a PNG, JPEG, GIF or WebP image'
	);

	// Bob opens Alice's card from her name in the history.
	await row.getByRole('button', { name: `Show profile of ${alice.name}` }).click();
	await expect(bob.page.getByTestId('profile-status')).toHaveText('Out to lunch 🍜');
	const tokyo = new Intl.DateTimeFormat('en', {
		timeZone: 'Asia/Tokyo',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	});
	await expect(bob.page.getByTestId('profile-local-time')).toHaveText(/^\d\d:\d\d local time$/);
	const shown = (await bob.page.getByTestId('profile-local-time').textContent())!;
	const now = Date.now();
	const near = [now - 60_000, now, now + 60_000].map((t) => `${tokyo.format(t)} local time`);
	expect(near).toContain(shown.trim());
	await expect(bob.page.getByTestId('profile-card').locator('img')).toHaveAttribute(
		'src',
		/^\/avatars\//
	);
	const box = await bob.page
		.getByRole('dialog', { name: `Profile of ${alice.name}` })
		.boundingBox();
	expect(box!.width).toBeLessThanOrEqual(360);
	await snap(bob.page, 'profile-card-360-dark');
	await bob.page.keyboard.press('Escape');

	// Removing it goes back to the initial, live.
	await dialog.getByRole('button', { name: 'Remove avatar' }).click();
	await expect(row.locator('.gutter img')).toHaveCount(0);
	await expect(dialog.getByRole('button', { name: 'Remove avatar' })).toHaveCount(0);

	await alice.close();
	await bob.close();
});

test('the profile editor at 360 px in the dark, in Chinese', async ({ browser }) => {
	const carol = await person(browser, 'carol', {
		viewport: { width: 360, height: 740 },
		colorScheme: 'dark'
	});
	const dialog = await openProfileEditor(carol.page);
	await expect(dialog.getByRole('button', { name: 'Save' })).toBeVisible();
	const box = await dialog.boundingBox();
	expect(box!.width).toBeLessThanOrEqual(360);
	await snap(carol.page, 'profile-editor-360-dark');
	await carol.page.keyboard.press('Escape');
	// The same in 简体中文.
	await openSettings(carol.page);
	await carol.page.getByRole('button', { name: '简体中文' }).click();
	// Choosing a language reloads the page.
	await expect(carol.page.locator('html')).toHaveAttribute('lang', 'zh');
	await expect(carol.page.locator('[data-status="connected"]')).toBeAttached();
	const edit = carol.page.getByRole('button', { name: '编辑个人资料…' });
	if (!(await edit.isVisible())) await openSettings(carol.page, '个人资料与设置');
	await edit.click();
	const zh = carol.page.getByRole('dialog', { name: '编辑个人资料' });
	await expect(zh.getByLabel('上传头像')).toBeAttached();
	await expect(zh.getByLabel('状态')).toBeVisible();
	await expect(zh.getByLabel('时区')).toBeVisible();
	await snap(carol.page, 'profile-editor-360-dark-zh');
	await carol.close();
});
