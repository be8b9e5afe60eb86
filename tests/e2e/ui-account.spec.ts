import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startServer, type TestServer } from '../helpers/server';
import { password, registerOn } from './ui-helpers';

/**
 * Account security in the browser (issue 15 item 3): changing the password signs out another
 * context; the session list signs out the others; an admin's reset makes the next login
 * choose a new password. This file starts its own server so "chief" is the admin.
 */

let server: TestServer;
let chief: { cookie: string };
let seq = 0;
const contexts: BrowserContext[] = [];
test.setTimeout(90_000);

test.beforeAll(async () => {
	server = await startServer({ RATE_LIMIT_BURST: '100' });
	chief = await registerOn(server, 'chief');
});
test.afterEach(async () => {
	await Promise.all(contexts.splice(0).map((c) => c.close()));
});
test.afterAll(async () => {
	await server?.dispose();
});

const uniq = (p: string) => `${p}${++seq}${Date.now().toString(36).slice(-3)}`;

async function newPage(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}) {
	const context = await browser.newContext({ baseURL: server.url, ...options });
	contexts.push(context);
	return context.newPage();
}

/** Logs in through the /login form and waits for the chat. */
async function logIn(page: Page, username: string, pass = password) {
	await page.goto('/login');
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password', { exact: true }).fill(pass);
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByLabel('Message')).toBeVisible();
	await expect(page.locator('[data-status="connected"]')).toBeAttached();
}

async function openAccount(page: Page) {
	// On a phone the settings button lives in the conversations drawer.
	const drawer = page.getByRole('button', { name: 'Open conversations' });
	if (await drawer.isVisible()) await drawer.click();
	await page.getByRole('button', { name: 'Profile and settings' }).click();
	await page.getByRole('button', { name: 'Password and sessions…' }).click();
	return page.getByRole('dialog', { name: 'Account' });
}

test('change password signs out another context', async ({ browser }) => {
	const username = uniq('changer');
	await registerOn(server, username);
	const laptop = await newPage(browser);
	const phone = await newPage(browser);
	await logIn(laptop, username);
	await logIn(phone, username);

	const dialog = await openAccount(laptop);
	// A wrong current password is told beside its field.
	await dialog.getByLabel('Current password').fill('not-the-password');
	await dialog.getByLabel('New password', { exact: true }).fill('a-brand-new-one');
	await dialog.getByLabel('Confirm new password').fill('a-brand-new-one');
	await dialog.getByRole('button', { name: 'Change password' }).click();
	await expect(dialog.getByText('The current password is wrong')).toBeVisible();
	await expect(dialog.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');

	await dialog.getByLabel('Current password').fill(password);
	await dialog.getByRole('button', { name: 'Change password' }).click();
	await expect(dialog.getByText('Password changed.')).toBeVisible();
	await expect(phone).toHaveURL(/\/login/);
	// This context stays in the chat.
	await laptop.keyboard.press('Escape');
	await expect(laptop.locator('[data-status="connected"]')).toBeAttached();
	// The new password logs in, in the signed-out context.
	await logIn(phone, username, 'a-brand-new-one');
});

test('sign out all other sessions from the list (360 px, dark)', async ({ browser }) => {
	const username = uniq('tidy');
	await registerOn(server, username);
	const here = await newPage(browser, {
		viewport: { width: 360, height: 740 },
		colorScheme: 'dark'
	});
	const there = await newPage(browser);
	await logIn(here, username);
	await logIn(there, username);

	const dialog = await openAccount(here);
	const list = dialog.getByRole('list');
	// Two from the logins above, one from the registration over the API.
	await expect(list.getByRole('listitem')).toHaveCount(3);
	await expect(list.getByText('This device')).toHaveCount(1);
	await expect(list.getByRole('button', { name: 'Sign out', exact: true })).toHaveCount(2);
	// Keyboard: the button is reached and pressed without a mouse.
	await dialog.getByRole('button', { name: 'Sign out all other sessions' }).focus();
	await here.keyboard.press('Enter');
	await expect(there).toHaveURL(/\/login/);
	await expect(list.getByRole('listitem')).toHaveCount(1);
	await expect(dialog.getByRole('button', { name: 'Sign out all other sessions' })).toBeDisabled();
	const box = await dialog.boundingBox();
	expect(box!.width).toBeLessThanOrEqual(360);
});

test("an admin's reset: confirmed, the user's tab leaves, the next login chooses a new password", async ({
	browser
}) => {
	const username = uniq('forgot');
	await registerOn(server, username);
	const member = await newPage(browser);
	await logIn(member, username);

	const admin = await newPage(browser);
	const [name, value] = chief.cookie.split('=');
	await admin.context().addCookies([{ name, value, url: server.url }]);
	await admin.goto('/admin');
	await expect(async () => {
		await admin.getByRole('button', { name: `Manage ${username}` }).click();
		await expect(admin.getByRole('heading', { name: username })).toBeVisible({ timeout: 1000 });
	}).toPass();
	await admin.getByRole('button', { name: 'Reset password' }).click();
	const confirm = admin.getByRole('dialog', { name: `Reset ${username}'s password?` });
	await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await confirm.getByRole('button', { name: 'Reset password' }).click();
	const shown = admin.getByRole('status').filter({ hasText: 'Temporary password' });
	await expect(shown).toBeVisible();
	const temporary = (await shown.locator('code').textContent())!.trim();
	await expect(member).toHaveURL(/\/login/);

	await member.getByLabel('Username').fill(username);
	await member.getByLabel('Password', { exact: true }).fill(temporary);
	await member.getByRole('button', { name: 'Log in' }).click();
	await expect(member.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
	await member.getByLabel('Password', { exact: true }).fill(temporary);
	await member.getByLabel('New password', { exact: true }).fill('chosen-by-me');
	await member.getByLabel('Confirm new password').fill('chosen-by-me');
	await member.getByRole('button', { name: 'Log in' }).click();
	await expect(member.getByLabel('Message')).toBeVisible();

	// Audited, and shown in the panel's log.
	await admin.reload();
	await expect(admin.getByRole('cell', { name: 'Reset password' })).toBeVisible();
});

test('the Account dialog is in Chinese', async ({ browser }) => {
	const username = uniq('zhong');
	await registerOn(server, username);
	const page = await newPage(browser, {
		locale: 'zh-CN',
		userAgent:
			'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
	});
	await page.goto('/login');
	await page.locator('#username').fill(username);
	await page.locator('#password').fill(password);
	await page.locator('button[type="submit"]').click();
	await expect(page.locator('[data-status="connected"]')).toBeAttached();
	await page.getByRole('button', { name: '个人资料与设置' }).click();
	await page.getByRole('button', { name: '密码与会话…' }).click();
	const dialog = page.getByRole('dialog', { name: '账号' });
	await expect(dialog.getByRole('button', { name: '修改密码' })).toBeVisible();
	await expect(dialog.getByLabel('当前密码')).toBeVisible();
	await expect(dialog.getByText('Linux 上的 Chrome')).toBeVisible();
	await expect(dialog.getByText('本设备')).toBeVisible();
	await expect(dialog.getByRole('button', { name: '退出所有其他会话' })).toBeVisible();
});
