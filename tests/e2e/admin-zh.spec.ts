import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startServer, type TestServer } from '../helpers/server';
import { registerOn } from './ui-helpers';

/**
 * The admin panel in 简体中文 (issue 16 item 7): a browser that prefers Chinese gets every
 * heading, figure, button, audit-log action, dialog and the refusal page in Chinese, with
 * no English label left over. Its own server, so its first account is certainly the admin.
 */

let server: TestServer;
let adminCookie: string;
let memberCookie: string;
let member: string;
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
	server = await startServer({ RATE_LIMIT_BURST: '100' });
	adminCookie = (await register('zhuguan')).cookie;
	member = `chengyuan_${Date.now().toString(36)}`;
	const m = await register(member);
	memberCookie = m.cookie;
	// A mute puts an action in the audit log (with an end time) and a countdown badge in the list.
	const res = await fetch(`${server.url}/api/admin/actions`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: adminCookie },
		body: JSON.stringify({ action: 'mute', target_id: m.user.id, duration_seconds: 3600 })
	});
	expect(res.status).toBe(200);
});
test.afterEach(async () => {
	await Promise.all(contexts.splice(0).map((c) => c.close()));
});
test.afterAll(async () => {
	await server?.dispose();
});

const register = (username: string) => registerOn(server, username);

/** A page whose browser prefers Chinese (no language cookie), logged in with `cookie`. */
async function chinesePage(browser: Browser, cookie: string): Promise<Page> {
	const context = await browser.newContext({ baseURL: server.url, locale: 'zh-CN' });
	contexts.push(context);
	const [name, value] = cookie.split('=');
	await context.addCookies([{ name, value, url: server.url }]);
	return context.newPage();
}

/** English labels of the panel that must not show in Chinese (text, names, placeholders). */
const ENGLISH = [
	'Admin',
	'Live',
	'Reconnecting',
	'Back to chat',
	'Server figures',
	'Users online',
	'accounts',
	'Connections',
	'open sockets',
	'Chat volume',
	'posts in the last hour',
	'Uptime',
	'muted',
	'banned',
	'Muted',
	'People',
	'Search people',
	'Name or account',
	'online',
	'offline',
	'shown',
	'Manage',
	'Actions',
	'Reason',
	'Shown to them',
	'Mute for',
	'5 min',
	'1 hour',
	'1 day',
	'Custom',
	'Mute',
	'Unmute',
	'Kick',
	'Ban',
	'Role',
	'Member',
	'Make admin',
	'New account',
	'Username',
	'Password',
	'Create account',
	'Audit log',
	'Newer',
	'Older',
	'Page',
	'When',
	'Action',
	'By',
	'Whom',
	'Why',
	'Until',
	'Cancel',
	'Guest',
	'Online',
	'Offline',
	'No reason given',
	'disconnected'
];

/** Everything a person or a screen reader meets: visible text, accessible names, placeholders. */
async function allWords(page: Page): Promise<string> {
	return page.evaluate(() => {
		const attrs = [...document.querySelectorAll('[aria-label], [placeholder], [title]')].flatMap(
			(el) => ['aria-label', 'placeholder', 'title'].map((a) => el.getAttribute(a) ?? '')
		);
		return [document.title, document.body.innerText, ...attrs].join('\n');
	});
}

test('the admin panel is in Chinese, with no English label left', async ({ browser }) => {
	const page = await chinesePage(browser, adminCookie);
	await page.goto('/admin');
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh');
	await expect(page).toHaveTitle('管理 · 聊天');

	// Headings.
	await expect(page.getByRole('heading', { level: 1, name: '管理' })).toBeVisible();
	for (const name of ['成员', '操作', '新建账号', '审计日志'])
		await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();

	// Figure labels.
	const figures = page.getByLabel('服务器数据');
	for (const label of ['在线用户', '连接数', '消息量', '运行时间'])
		await expect(figures.getByRole('term').filter({ hasText: label })).toBeVisible();
	await expect(page.getByText(/共 \d+ 个账号/)).toBeVisible();

	// A button, and the audit log's action name with a date in Chinese form (Intl, zh).
	await expect(page.getByRole('button', { name: '创建账号' })).toBeVisible();
	const row = page.getByRole('row').filter({ hasText: member });
	await expect(row.getByRole('cell', { name: '禁言', exact: true })).toBeVisible();
	await expect(row.getByRole('cell').first()).toHaveText(/\d+月\d+日/);
	await expect(page.getByRole('navigation', { name: '审计日志分页' })).toContainText('第 1 页');

	// The member's actions, then the ban confirmation.
	await expect(async () => {
		await page.getByRole('button', { name: `管理 ${member}` }).click();
		await expect(page.getByRole('heading', { name: member })).toBeVisible({ timeout: 1000 });
	}).toPass();
	await expect(page.getByText(/禁言 (59:\d\d|1:00:0\d)/).first()).toBeVisible();
	await expect(page.getByRole('radio', { name: '1 小时' })).toBeVisible();
	await page.getByLabel('原因').fill('刷屏');
	await page.getByRole('button', { name: '封禁…' }).click();
	const dialog = page.getByRole('dialog', { name: `封禁 ${member}？` });
	await expect(dialog).toBeVisible();
	await expect(dialog).toContainText('对方会立即断开连接');
	await expect(dialog).toContainText('原因：“刷屏”。');
	await expect(dialog.getByRole('button', { name: '取消' })).toBeFocused();
	await expect(dialog.getByRole('button', { name: `封禁 ${member}` })).toBeVisible();

	// With the dialog open, every part of the panel is on screen: none of it is English.
	const words = await allWords(page);
	const left = ENGLISH.filter((w) => new RegExp(`\\b${w}\\b`).test(words));
	expect(left, words).toEqual([]);

	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
});

test('a member is refused in Chinese', async ({ browser }) => {
	const page = await chinesePage(browser, memberCookie);
	const res = await page.goto('/admin');
	expect(res?.status()).toBe(403);
	await expect(page.getByRole('heading', { name: '仅限管理员' })).toBeVisible();
	await expect(page.getByText('此页面仅供管理员使用。')).toBeVisible();
	await expect(page.getByRole('link', { name: '返回聊天' })).toBeVisible();
	const words = await allWords(page);
	expect(ENGLISH.filter((w) => new RegExp(`\\b${w}\\b`).test(words))).toEqual([]);
});
