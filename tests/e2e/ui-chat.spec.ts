import { expect, test } from '@playwright/test';
import { conversation, history, person, send, uniqueName } from './ui-helpers';

test('chat in a room: typing is shown and cleared, then "seen by" appears', async ({ browser }) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');

	await alice.page.getByLabel('Message').pressSequentially('hel');
	await expect(bob.page.getByText(`${alice.name} is typing…`)).toBeVisible();
	const text = `hello room ${uniqueName('m')}`;
	await alice.page.getByLabel('Message').fill(text);
	await alice.page.getByRole('button', { name: 'Send' }).click();

	await expect(history(bob.page).getByText(text)).toHaveCount(1);
	await expect(bob.page.getByText(`${alice.name} is typing…`)).toBeHidden();
	await expect(history(alice.page).getByText(text)).toHaveCount(1);
	// Bob has it on screen in a focused window, so it is read.
	await expect(alice.page.getByRole('button', { name: 'Seen by 1' })).toBeVisible();
	await alice.page.getByRole('button', { name: 'Seen by 1' }).focus();
	await expect(alice.page.getByRole('tooltip')).toContainText(bob.name);
	await alice.close();
	await bob.close();
});

test('unread badge and title count rise in another room and fall when read', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	const room = uniqueName('room').toLowerCase();

	await alice.page.getByRole('button', { name: 'Create room' }).click();
	await alice.page.getByLabel('Room name').fill(room);
	await alice.page.getByLabel('Topic (optional)').fill('Quiet place');
	await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
	await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(`#${room}`);
	await expect(alice.page.getByText('Quiet place')).toBeVisible();

	await bob.page.getByRole('button', { name: 'Join a room' }).click();
	await bob.page.getByRole('button', { name: `Join #${room}` }).click();
	await expect(bob.page.getByRole('heading', { level: 1 })).toHaveText(`#${room}`);
	await conversation(bob.page, 'general').click();

	await send(alice.page, 'one');
	await send(alice.page, 'two');
	const badge = conversation(bob.page, room).getByTestId('unread-badge');
	await expect(badge).toContainText('2');
	await expect(bob.page).toHaveTitle(/^\(2\) /);

	await conversation(bob.page, room).click();
	await expect(history(bob.page).getByText('two')).toBeVisible();
	await expect(bob.page.getByText('New', { exact: true })).toBeVisible();
	await expect(badge).toBeHidden();
	await expect(bob.page).not.toHaveTitle(/^\(\d+\)/);
	await alice.close();
	await bob.close();
});

test('direct chat from the online list shows sent, then read', async ({ browser }) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	await bob.page.getByRole('button', { name: 'Chat with' }).first().waitFor();
	await conversation(bob.page, 'general').click();

	await alice.page.getByRole('button', { name: `Chat with ${bob.name}` }).click();
	await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(bob.name);
	await send(alice.page, 'psst, just you');
	await expect(alice.page.getByText('Sent', { exact: true })).toBeVisible();

	const dm = bob.page
		.getByRole('list', { name: 'Direct chats' })
		.getByRole('button', { name: alice.name });
	await expect(dm.getByTestId('unread-badge')).toContainText('1');
	await dm.click();
	await expect(history(bob.page).getByText('psst, just you')).toBeVisible();
	await expect(alice.page.getByText('Read', { exact: true })).toBeVisible();

	await send(bob.page, 'hi back');
	await expect(history(alice.page).getByText('hi back')).toBeVisible();
	await alice.close();
	await bob.close();
});

test('a 360 px phone uses a drawer for conversations', async ({ browser }) => {
	const alice = await person(browser, 'alice', { viewport: { width: 360, height: 740 } });
	const nav = alice.page.getByRole('navigation', { name: 'Conversations' });
	await expect(nav).toBeHidden();
	await alice.page.getByRole('button', { name: 'Open conversations' }).click();
	await expect(nav).toBeVisible();
	await conversation(alice.page, 'general').click();
	await expect(nav).toBeHidden();
	await send(alice.page, 'from my phone');
	await expect(history(alice.page).getByText('from my phone')).toBeVisible();
	// Nothing is wider than the screen.
	const overflow = await alice.page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
	await alice.close();
});

test('dark mode follows the system and the choice is kept', async ({ browser }) => {
	const alice = await person(browser, 'alice', { colorScheme: 'dark' });
	const bg = () =>
		alice.page.evaluate(() => getComputedStyle(document.querySelector('main')!).backgroundColor);
	expect(await bg()).toBe('rgb(26, 29, 36)');
	await alice.page.getByRole('button', { name: 'Profile and settings' }).click();
	await alice.page.getByRole('button', { name: 'Light', exact: true }).click();
	expect(await bg()).toBe('rgb(255, 255, 255)');
	await alice.page.reload();
	await expect(alice.page.locator('html')).toHaveAttribute('data-theme', 'light');
	expect(await bg()).toBe('rgb(255, 255, 255)');
	// The quick toggle in the header switches back.
	await alice.page.getByRole('button', { name: 'Switch to Dark theme' }).click();
	expect(await bg()).toBe('rgb(26, 29, 36)');
	await alice.close();
});

test('the interface speaks Chinese from the browser and can switch', async ({ browser }) => {
	const context = await browser.newContext({ locale: 'zh-CN' });
	const page = await context.newPage();
	await page.goto('/login');
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh');
	await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
	await page.getByRole('link', { name: '注册一个' }).click();
	await expect(page.getByRole('heading', { name: '创建账号' })).toBeVisible();
	await page.getByLabel('用户名').fill(uniqueName('li'));
	await page.getByLabel('密码').fill('password123');
	await page.getByRole('button', { name: '创建账号' }).click();
	await expect(page.getByLabel('消息')).toBeVisible();
	await expect(page.getByRole('button', { name: '发送' })).toBeVisible();
	await expect(page.getByRole('heading', { name: '频道' })).toBeVisible();

	await page.getByRole('button', { name: '个人资料与设置' }).click();
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.getByLabel('Message')).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await context.close();
});
