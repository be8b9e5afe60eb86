import { expect, test, type Browser, type Page } from '@playwright/test';
import { conversation, password, person, send, uniqueName } from './ui-helpers';

// Notification settings (issue 15 item 4): a room set to "Nothing" and muted in one browser
// does not count in the badge or the title, yet stays unread; another context of the same
// account follows the setting live and after a reload, and can change it back by keyboard.

test.setTimeout(120_000);

/** A second browser context of an existing account (a phone at 360 px in the dark). */
async function secondDevice(browser: Browser, name: string): Promise<Page> {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		colorScheme: 'dark'
	});
	const page = await context.newPage();
	await page.goto('/login');
	await page.getByLabel('Username').fill(name);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByLabel('Message')).toBeVisible();
	await expect(page.locator('[data-status="connected"]')).toBeAttached();
	return page;
}

test('notification setting silences a room', async ({ browser }) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	const room = uniqueName('quiet').toLowerCase();

	await alice.page.getByRole('button', { name: 'Create room' }).click();
	await alice.page.getByLabel('Room name').fill(room);
	await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
	await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(`#${room}`);
	await bob.page.getByRole('button', { name: 'Join a room' }).click();
	await bob.page.getByRole('button', { name: `Join #${room}` }).click();
	await expect(bob.page.getByRole('heading', { level: 1 })).toHaveText(`#${room}`);
	const phone = await secondDevice(browser, bob.name);

	// A room notifies of mentions by default; bob chooses "Nothing" and mutes it.
	await bob.page.getByRole('button', { name: 'Notifications' }).click();
	const dialog = bob.page.getByRole('dialog', { name: `Notifications for #${room}` });
	await expect(dialog.getByRole('radio', { name: 'Mentions only' })).toBeChecked();
	await dialog.getByRole('radio', { name: 'Nothing' }).check();
	await dialog.getByRole('checkbox', { name: 'Mute' }).check();
	await bob.page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(bob.page.getByRole('button', { name: 'Notifications' })).toBeFocused();

	await conversation(bob.page, 'general').click();
	await send(alice.page, 'one');
	await send(alice.page, 'two');
	const item = conversation(bob.page, room);
	// Unread (bold) and marked muted, but no count in the sidebar or the title.
	await expect(item).toHaveClass(/\bunread\b/);
	await expect(item).toContainText('Muted');
	await expect(item.getByTestId('unread-badge')).toHaveCount(0);
	await expect(bob.page).not.toHaveTitle(/^\(\d+\)/);

	// The other device followed live, and keeps it after a reload.
	for (const reload of [false, true]) {
		if (reload) await phone.reload();
		await phone.getByRole('button', { name: 'Open conversations' }).click();
		const phoneItem = conversation(phone, room);
		await expect(phoneItem).toContainText('Muted');
		await expect(phoneItem.getByTestId('unread-badge')).toHaveCount(0);
		await expect(phone).not.toHaveTitle(/^\(\d+\)/);
		await phoneItem.click();
		await expect(phone.getByRole('heading', { level: 1 })).toHaveText(`#${room}`);
		await phone.getByRole('button', { name: 'Notifications' }).click();
		const phoneDialog = phone.getByRole('dialog', { name: `Notifications for #${room}` });
		await expect(phoneDialog.getByRole('radio', { name: 'Nothing' })).toBeChecked();
		await expect(phoneDialog.getByRole('checkbox', { name: 'Mute' })).toBeChecked();
		await phone.keyboard.press('Escape');
		await expect(phoneDialog).toBeHidden();
	}
	const overflow = await phone.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);

	// Unmuted by keyboard on the phone: bob's count comes back in the other browser (the
	// phone has read the room meanwhile, so it counts what comes next).
	await phone.getByRole('button', { name: 'Notifications' }).focus();
	await phone.keyboard.press('Enter');
	const phoneDialog = phone.getByRole('dialog');
	const mute = phoneDialog.getByRole('checkbox', { name: 'Mute' });
	await mute.focus();
	await phone.keyboard.press('Space');
	await expect(mute).not.toBeChecked();
	await phone.keyboard.press('Escape');
	await expect(item).not.toContainText('Muted');
	await send(alice.page, 'three');
	await expect(item.getByTestId('unread-badge')).toBeVisible();
	await expect(bob.page).toHaveTitle(/^\(\d+\) /);

	await phone.context().close();
	await alice.close();
	await bob.close();
});

test('the notification choices speak Chinese', async ({ browser }) => {
	const context = await browser.newContext({ locale: 'zh-CN' });
	const page = await context.newPage();
	await page.goto('/register');
	await page.getByLabel('用户名').fill(uniqueName('li'));
	await page.getByLabel('密码').fill(password);
	await page.getByRole('button', { name: '创建账号' }).click();
	await expect(page.getByLabel('消息')).toBeVisible();
	await page.getByRole('button', { name: '通知' }).click();
	const dialog = page.getByRole('dialog', { name: '#general 的通知' });
	await expect(dialog.getByRole('radio', { name: '仅提及' })).toBeChecked();
	await dialog.getByRole('radio', { name: '所有消息' }).check();
	await expect(dialog.getByRole('checkbox', { name: '静音' })).not.toBeChecked();
	// Stored on the server (the reload below reads it back from there).
	await expect
		.poll(async () => {
			const rooms = (await (await page.request.get('/api/rooms')).json()) as {
				name: string;
				notify?: object;
			}[];
			return rooms.find((r) => r.name === 'general')?.notify;
		})
		.toEqual({ level: 'all', muted: false });
	await page.reload();
	await page.getByRole('button', { name: '通知' }).click();
	await expect(page.getByRole('radio', { name: '所有消息' })).toBeChecked();
	await context.close();
});
