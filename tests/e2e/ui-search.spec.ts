import { expect, test, type Browser } from '@playwright/test';
import { connect } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { history, registerOn, uniqueName } from './ui-helpers';

// Search in the web app (issue 14 item 2): find an old message in another room, open it
// scrolled to and highlighted, and scroll from there both ways.

const TOTAL = 300;
const NEEDLE = 100;
let server: TestServer;
let room: string;
let aliceCookie: string;

test.beforeAll(async () => {
	server = await startServer({ RATE_LIMIT_PER_SEC: '10000', RATE_LIMIT_BURST: '10000' });
	const carol = await registerOn(server, uniqueName('carol'));
	const alice = await registerOn(server, uniqueName('alice'));
	aliceCookie = alice.cookie;
	room = uniqueName('archive').toLowerCase().replaceAll('_', '-');
	const c = await connect(server, { cookie: carol.cookie });
	c.send({ type: 'create_room', name: room });
	await c.next('room_joined');
	const a = await connect(server, { cookie: alice.cookie });
	a.send({ type: 'join_room', room });
	await a.next('room_joined');
	a.ws.close();
	for (let i = 1; i <= TOTAL; i++) {
		const content = i === NEEDLE ? `arch ${i}: 明天的会议改到三点 <b>bold</b>` : `arch ${i}`;
		c.send({ type: 'message', room, content });
	}
	await c.next((e) => e.type === 'message' && e.content === `arch ${TOTAL}`, 20_000);
	c.ws.close();
});
test.afterAll(async () => {
	await server.dispose();
});

async function alicePage(browser: Browser, viewport?: { width: number; height: number }) {
	const context = await browser.newContext(viewport ? { viewport } : {});
	const [name, value] = aliceCookie.split('=');
	await context.addCookies([{ name, value, url: server.url }]);
	const page = await context.newPage();
	await page.goto(`${server.url}/r/general`);
	await expect(page.locator('[data-status="connected"]')).toBeAttached();
	return { page, close: () => context.close() };
}

test('search, open a result in another room scrolled and highlighted, scroll both ways', async ({
	browser
}) => {
	const { page, close } = await alicePage(browser);
	const box = page.getByRole('searchbox', { name: 'Search' });
	await page.keyboard.press('ControlOrMeta+k');
	await expect(box).toBeFocused();
	await box.fill('会议');
	await box.press('Enter');

	const results = page.getByRole('region', { name: 'Search results' });
	const result = results.getByRole('button', { name: /Open message from carol_.* in #archive/ });
	await expect(result).toHaveCount(1);
	// The snippet is text with the match marked; the message's markup is shown, not rendered.
	await expect(result.locator('mark')).toHaveText('会议');
	await expect(result).toContainText('<b>bold</b>');
	await expect(result).toContainText(`#${room}`);
	await result.click();

	await expect(page).toHaveURL(new RegExp(`/r/${room}$`));
	await expect(results).toHaveCount(0);
	const log = history(page);
	const target = log.locator('[data-highlighted]');
	await expect(target).toContainText(`arch ${NEEDLE}: 明天的会议改到三点`);
	await expect(target).toBeInViewport();
	// Only the window around it is loaded: not the room's newest message, nor its first.
	await expect(log.getByText(`arch ${TOTAL}`, { exact: true })).toHaveCount(0);
	await expect(log.getByText('arch 1', { exact: true })).toHaveCount(0);

	// Down: newer pages until the present.
	await expect
		.poll(
			async () => {
				await log.evaluate((el) => (el.scrollTop = el.scrollHeight));
				return log.getByText(`arch ${TOTAL}`, { exact: true }).count();
			},
			{ timeout: 20_000 }
		)
		.toBe(1);
	await expect(log.getByText('Loading newer messages…')).toHaveCount(0);

	// Up: older pages down to the first message of the room.
	await expect
		.poll(
			async () => {
				await log.evaluate((el) => (el.scrollTop = 0));
				return log.getByText('arch 1', { exact: true }).count();
			},
			{ timeout: 30_000 }
		)
		.toBe(1);
	await expect(log.getByText(`This is the very beginning of #${room}.`)).toBeVisible();
	await close();
});

test('on a 360 px phone the field fits the header and results fill the screen', async ({
	browser
}) => {
	const { page, close } = await alicePage(browser, { width: 360, height: 740 });
	const box = page.getByRole('searchbox', { name: 'Search' });
	await expect(box).toBeInViewport();
	await box.fill('三点');
	await box.press('Enter');
	const results = page.getByRole('region', { name: 'Search results' });
	await expect(results.getByRole('button', { name: /Open message/ })).toHaveCount(1);
	const size = await results.boundingBox();
	expect(size!.width).toBeLessThanOrEqual(360);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	await page.keyboard.press('Escape');
	await expect(results).toHaveCount(0);
	await close();
});
