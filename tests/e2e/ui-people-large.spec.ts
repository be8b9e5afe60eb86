import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { connect, type TestClient } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { registerOn } from './ui-helpers';

/**
 * Issue 13 item 1, the web app: the people list in a community above PRESENCE_BROADCAST_MAX
 * (3 here, so 40 raw WebSocket clients make it large). The list is paged in over the socket,
 * virtualized, searched in the browser, and follows coalesced `presence` events; the count is
 * the server's exact one. SCREENSHOTS=dir also saves the list at desktop size, 360 px and dark.
 */

let server: TestServer;
const contexts: BrowserContext[] = [];
const crowd: TestClient[] = [];
const GUESTS = 40;
test.setTimeout(90_000);

test.beforeAll(async () => {
	server = await startServer({
		GUESTS: '1',
		MAX_CONNECTIONS_PER_ADDRESS: '0',
		MAX_ANONYMOUS_PER_ADDRESS: '0',
		MAX_PENDING_AUTH_PER_ADDRESS: '0',
		RATE_LIMIT_BURST: '100',
		PRESENCE_BROADCAST_MAX: '3'
	});
	for (let i = 0; i < GUESTS; i += 10)
		crowd.push(...(await Promise.all(Array.from({ length: 10 }, () => connect(server)))));
});
test.afterEach(async () => {
	await Promise.all(contexts.splice(0).map((c) => c.close()));
});
test.afterAll(async () => {
	for (const c of crowd) c.ws.close();
	await server?.dispose();
});

async function chatAs(
	browser: Browser,
	cookie: string,
	opts: { phone?: boolean; dark?: boolean } = {}
): Promise<Page> {
	const context = await browser.newContext({
		baseURL: server.url,
		colorScheme: opts.dark ? 'dark' : 'light',
		viewport: opts.phone ? { width: 360, height: 740 } : { width: 1280, height: 800 }
	});
	contexts.push(context);
	const [name, value] = cookie.split('=');
	await context.addCookies([
		{ name, value, url: server.url },
		{ name: 'PARAGLIDE_LOCALE', value: 'en', url: server.url }
	]);
	const page = await context.newPage();
	await page.goto('/');
	await expect(page.locator('[data-status="connected"]')).toBeAttached();
	return page;
}

/** A registered account online over a raw socket (it has an @username to search for). */
async function account(username: string) {
	const { cookie, id } = await registerOn(server, username);
	const client = await connect(server, { cookie });
	return { id, client };
}

async function snap(page: Page, name: string) {
	const dir = process.env.SCREENSHOTS;
	if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

test('a large community: paged, virtualized, searchable, exact count, departures follow', async ({
	browser
}) => {
	const zelda = await account('zelda_findme');
	const quitter = await account('quitter_soon');
	const viewer = await registerOn(server, 'viewer');
	const total = GUESTS + 3;
	const page = await chatAs(browser, viewer.cookie);

	// The sidebar shows the exact count, not a partial list.
	const online = page.getByRole('heading', { name: /Online now/ });
	await expect(online).toContainText(String(total));
	await expect(page.getByText('Too many to list here')).toBeVisible();

	await page.getByRole('button', { name: 'People', exact: true }).click();
	const dialog = page.getByRole('dialog', { name: 'People' });
	await expect(dialog.getByTestId('online-count')).toHaveText(`Online — ${total}`);
	const list = dialog.getByRole('list', { name: `Online — ${total}` });
	// Everyone is paged in (the last row exists in the model: its position says so) ...
	await expect(list.getByRole('listitem').first()).toHaveAttribute('aria-setsize', String(total));
	// ... but only the rows in view (plus a few) are in the DOM.
	const rendered = await list.getByRole('listitem').count();
	expect(rendered).toBeGreaterThan(5);
	expect(rendered).toBeLessThan(total);
	await snap(page, 'people-large-desktop');

	// Keyboard: End reaches the last row (scrolled in and focused), Home the first.
	await list.getByRole('listitem').first().getByRole('button').first().focus();
	await page.keyboard.press('End');
	await expect(page.locator(':focus')).toHaveAttribute('aria-label', /Show profile of/);
	await expect(list.locator(`li[aria-posinset="${total}"]`)).toBeVisible();
	await page.keyboard.press('Home');
	await expect(list.locator('li[aria-posinset="1"]')).toBeVisible();
	await page.keyboard.press('ArrowDown');
	await expect(page.locator(':focus').locator('xpath=ancestor::li')).toHaveAttribute(
		'aria-posinset',
		'2'
	);

	// Search by name and by @username, case-insensitive, in the loaded list.
	const search = dialog.getByRole('searchbox', { name: 'Search people' });
	await search.fill('ZELDA');
	await expect(list.getByRole('listitem')).toHaveCount(1);
	await expect(list.getByRole('listitem')).toContainText('@zelda_findme');
	await expect(list.getByRole('button', { name: 'Message zelda_findme' })).toBeVisible();
	await search.fill('@quitter');
	await expect(list.getByRole('listitem')).toHaveCount(1);

	// Someone leaving is gone within about two seconds (one presence flush), the count follows.
	const left = Date.now();
	quitter.client.ws.close();
	await expect(list.getByRole('listitem')).toHaveCount(0, { timeout: 2500 });
	expect(Date.now() - left).toBeLessThan(2500);
	await expect(dialog.getByTestId('online-count')).toHaveText(`Online — ${total - 1}`);

	// Someone arriving appears while the list is open.
	await search.fill('');
	const late = await connect(server);
	crowd.push(late);
	await expect(dialog.getByTestId('online-count')).toHaveText(`Online — ${total}`);
	await expect(dialog.getByRole('list', { name: `Online — ${total}` })).toBeVisible();

	// Closing drops the big list; reopening pages it in again.
	await dialog.getByRole('button', { name: 'Close' }).click();
	await page.getByRole('button', { name: 'People', exact: true }).click();
	await search.fill('zelda');
	await expect(list.getByRole('listitem')).toHaveCount(1);
	zelda.client.ws.close();
});

test('the people list at 360 px in the dark', async ({ browser }) => {
	const viewer = await registerOn(server, 'phone_viewer');
	const page = await chatAs(browser, viewer.cookie, { phone: true, dark: true });
	await page.getByRole('button', { name: 'Open conversations' }).click();
	await page.getByRole('button', { name: 'People', exact: true }).click();
	const dialog = page.getByRole('dialog', { name: 'People' });
	const list = dialog.getByRole('list', { name: /Online — \d+/ });
	await expect(list.getByRole('listitem').first()).toBeVisible();
	// Nothing overflows the phone's width.
	const width = await dialog.evaluate((d) => d.scrollWidth);
	expect(width).toBeLessThanOrEqual(360);
	await snap(page, 'people-large-phone-dark');
});
