import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startServer, type TestServer } from '../helpers/server';
import { registerOn } from './ui-helpers';

/**
 * The admin panel end to end. This file starts its own server so that its first account
 * is certainly the admin, whatever other spec files registered before it.
 */

let server: TestServer;
let adminCookie: string;
let seq = 0;
/** Browser contexts opened by the current test, closed after it. */
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
	server = await startServer({ RATE_LIMIT_BURST: '100' });
	adminCookie = (await register('chief')).cookie;
});
test.afterEach(async () => {
	await Promise.all(contexts.splice(0).map((c) => c.close()));
});
test.afterAll(async () => {
	await server?.dispose();
});

const register = (username: string) => registerOn(server, username);

/** A browser page logged in with a session cookie. */
async function pageAs(browser: Browser, cookie: string): Promise<Page> {
	const context = await browser.newContext({ baseURL: server.url });
	contexts.push(context);
	const [name, value] = cookie.split('=');
	await context.addCookies([{ name, value, url: server.url }]);
	return context.newPage();
}

/** A member in the chat, and the admin's panel with that member selected. */
async function memberAndPanel(browser: Browser) {
	const username = `member${++seq}_${Date.now().toString(36)}`;
	const member = await pageAs(browser, (await register(username)).cookie);
	await member.goto('/');
	await expect(member.getByLabel('Message')).toBeEnabled();
	const admin = await pageAs(browser, adminCookie);
	await admin.goto('/admin');
	// A click that lands before the page has hydrated does nothing: try until it takes.
	await expect(async () => {
		await admin.getByRole('button', { name: `Manage ${username}` }).click();
		await expect(admin.getByRole('heading', { name: username })).toBeVisible({ timeout: 1000 });
	}).toPass();
	return { username, member, admin };
}

test('a member opening /admin is refused, a visitor is sent to log in', async ({ browser }) => {
	const page = await pageAs(browser, (await register(`nosy${Date.now().toString(36)}`)).cookie);
	const res = await page.goto('/admin');
	expect(res?.status()).toBe(403);
	await expect(page.getByRole('heading', { name: 'Admins only' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Kick' })).toHaveCount(0);

	const visitorContext = await browser.newContext({ baseURL: server.url });
	contexts.push(visitorContext);
	const visitor = await visitorContext.newPage();
	await visitor.goto('/admin');
	await expect(visitor).toHaveURL(/\/login/);
});

test('an admin kicks a member from the panel; the member lands on the login page', async ({
	browser
}) => {
	const { member, admin } = await memberAndPanel(browser);
	await admin.getByLabel('Reason').fill('Take a break');
	await admin.getByRole('button', { name: 'Kick', exact: true }).click();
	await expect(admin.getByRole('status').filter({ hasText: 'was kicked' })).toBeVisible();

	// Only a code in the URL; the admin's reason comes through the tab's sessionStorage.
	await expect(member).toHaveURL(/\/login\?reason=kicked$/);
	await expect(member.getByText(/kicked.*Take a break/i)).toBeVisible();
	// The panel's audit log shows it at the top.
	await expect(admin.getByRole('cell', { name: 'Take a break' })).toBeVisible();
});

test('an admin mutes a member; the composer is disabled with the reason and a countdown', async ({
	browser
}) => {
	const { member, admin } = await memberAndPanel(browser);
	await admin.getByLabel('Reason').fill('Too loud');
	await admin.getByRole('radio', { name: '1 hour' }).check();
	await admin.getByRole('button', { name: 'Mute', exact: true }).click();

	const notice = member.getByRole('status').filter({ hasText: /muted/i });
	await expect(notice).toContainText('Too loud');
	await expect(notice).toContainText(/59:\d\d|1:00:0\d/);
	await expect(member.getByLabel('Message')).toBeDisabled();
	// The panel shows the mute too, counting down.
	await expect(admin.getByText(/Muted (59:\d\d|1:00:0\d)/).first()).toBeVisible();

	await admin.getByRole('button', { name: 'Unmute', exact: true }).click();
	await expect(member.getByLabel('Message')).toBeEnabled();
	await expect(notice).toHaveCount(0);
});

test('ban asks first in a dialog that the keyboard can cancel', async ({ browser }) => {
	const { username, member, admin } = await memberAndPanel(browser);
	await admin.getByRole('button', { name: 'Ban…' }).click();
	const dialog = admin.getByRole('dialog', { name: `Ban ${username}?` });
	await expect(dialog).toBeVisible();
	await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await admin.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(member.getByLabel('Message')).toBeEnabled();

	await admin.getByRole('button', { name: 'Ban…' }).click();
	await dialog.getByRole('button', { name: `Ban ${username}` }).click();
	await expect(member).toHaveURL(/\/login/);
	await expect(member.getByText(/banned/i).first()).toBeVisible();
	await expect(admin.getByText('Banned', { exact: true }).first()).toBeVisible();
});
