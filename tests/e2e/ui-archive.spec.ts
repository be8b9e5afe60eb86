import { expect, test } from '@playwright/test';
import { conversation, history, person, send, uniqueName } from './ui-helpers';

// Issue 15: archiving a room from its settings. The composer gives way to a banner, the room
// leaves the list for "Archived rooms" (collapsed by default), and unarchiving brings it back.

test.setTimeout(90_000);

const shots = process.env.SCREENSHOTS;

test('archive a room from Room settings, find it under Archived rooms, unarchive it', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	const room = uniqueName('old').toLowerCase();

	await alice.page.getByRole('button', { name: 'Create room' }).click();
	await alice.page.getByLabel('Room name').fill(room);
	await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
	await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(`#${room}`);
	await send(alice.page, 'last words before the archive');
	await bob.page.getByRole('button', { name: 'Join a room' }).click();
	await bob.page.getByRole('button', { name: `Join #${room}` }).click();
	await expect(history(bob.page).getByText('last words before the archive')).toBeVisible();

	// Archive, after a confirmation (cancel first: nothing happens).
	await alice.page.getByRole('button', { name: 'Room settings' }).click();
	await alice.page.getByRole('button', { name: 'Archive room' }).click();
	const confirm = alice.page.getByRole('dialog', { name: `Archive #${room}?` });
	await expect(confirm).toBeVisible();
	await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await confirm.getByRole('button', { name: 'Cancel' }).click();
	await expect(alice.page.getByLabel('Message')).toBeVisible();
	await alice.page.getByRole('button', { name: 'Room settings' }).click();
	await alice.page.getByRole('button', { name: 'Archive room' }).click();
	await confirm.getByRole('button', { name: 'Archive room' }).click();

	// Both see the banner instead of the composer; history is still there.
	for (const page of [alice.page, bob.page]) {
		await expect(page.getByTestId('archived-banner')).toContainText('This room is archived');
		await expect(page.getByLabel('Message')).toHaveCount(0);
		await expect(history(page).getByText('last words before the archive')).toBeVisible();
	}
	if (shots) await bob.page.screenshot({ path: `${shots}/archive-banner.png` });

	// It left Bob's room list; "Archived rooms" (collapsed) holds it, showing it only while
	// it is the room being read.
	await expect(
		bob.page.getByRole('list', { name: 'Archived rooms' }).getByRole('button', { name: room })
	).toBeVisible();
	await conversation(bob.page, 'general').click();
	await expect(conversation(bob.page, room)).toHaveCount(0);
	const toggle = bob.page.getByRole('button', { name: 'Archived rooms' });
	await expect(toggle).toHaveAttribute('aria-expanded', 'false');
	await toggle.focus();
	await bob.page.keyboard.press('Enter');
	await expect(toggle).toHaveAttribute('aria-expanded', 'true');
	await expect(conversation(bob.page, room)).toBeVisible();
	if (shots) await bob.page.screenshot({ path: `${shots}/archive-sidebar.png` });
	await conversation(bob.page, room).click();
	await expect(bob.page.getByTestId('archived-banner')).toBeVisible();

	// Unarchive: the composer comes back, and so does its place in the list.
	await alice.page.getByRole('button', { name: 'Room settings' }).click();
	await alice.page.getByRole('button', { name: 'Unarchive room' }).click();
	await expect(bob.page.getByLabel('Message')).toBeVisible();
	await expect(bob.page.getByTestId('archived-banner')).toHaveCount(0);
	await expect(toggle).toHaveCount(0);
	await expect(conversation(bob.page, room)).toBeVisible();
	await send(bob.page, 'and we are back');
	await expect(history(alice.page).getByText('and we are back')).toBeVisible();
	await alice.close();
	await bob.close();
});

test('archiving speaks Chinese, in the dark, at 360 px', async ({ browser }) => {
	const context = await browser.newContext({
		locale: 'zh-CN',
		colorScheme: 'dark',
		viewport: { width: 360, height: 740 }
	});
	const page = await context.newPage();
	const name = uniqueName('li');
	await page.goto('/register');
	await page.getByLabel('用户名').fill(name);
	await page.getByLabel('密码').fill('password123');
	await page.getByRole('button', { name: '创建账号' }).click();
	await expect(page.getByLabel('消息')).toBeVisible();
	const room = uniqueName('jiu').toLowerCase();
	await page.getByRole('button', { name: '打开会话列表' }).click();
	await page.getByRole('button', { name: '创建频道' }).click();
	await page.getByLabel('频道名称').fill(room);
	await page.getByRole('button', { name: '创建', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`#${room}`);
	await page.keyboard.press('Escape'); // the phone's drawer
	await page.getByRole('button', { name: '房间设置' }).click();
	if (shots) await page.screenshot({ path: `${shots}/archive-settings-zh.png` });
	await page.getByRole('button', { name: '归档频道' }).click();
	const confirm = page.getByRole('dialog', { name: `归档 #${room}？` });
	if (shots) await page.screenshot({ path: `${shots}/archive-confirm-zh.png` });
	await confirm.getByRole('button', { name: '归档频道' }).click();
	await expect(page.getByTestId('archived-banner')).toContainText('此频道已归档');
	if (shots) await page.screenshot({ path: `${shots}/archive-banner-zh.png` });
	await page.getByRole('button', { name: '打开会话列表' }).click();
	await page.getByRole('button', { name: '已归档的频道' }).click();
	const nav = page.getByRole('navigation', { name: '会话' });
	await expect(
		nav.getByRole('list', { name: '已归档的频道' }).getByRole('button', { name: room })
	).toBeVisible();
	if (shots) await page.screenshot({ path: `${shots}/archive-sidebar-zh.png` });
	await context.close();
});
