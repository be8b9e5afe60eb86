import { expect, test } from '@playwright/test';
import { connect, register } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { history, person, uniqueName } from './ui-helpers';

const TOTAL = 400;
let server: TestServer;

test.beforeAll(async () => {
	server = await startServer({ RATE_LIMIT_PER_SEC: '10000', RATE_LIMIT_BURST: '10000' });
	const carol = await register(server, uniqueName('carol'));
	const client = await connect(server, { cookie: carol.cookie });
	for (let i = 1; i <= TOTAL; i++) client.send({ type: 'message', content: `msg ${i}` });
	await client.next((e) => e.type === 'message' && e.content === `msg ${TOTAL}`, 20_000);
	client.ws.close();
});
test.afterAll(async () => {
	await server.dispose();
});

test('scrolling up pages through a long room with a bounded number of rows', async ({
	browser
}) => {
	const alice = await person(browser, 'alice', { base: server.url });
	const log = history(alice.page);
	const rows = log.locator('[data-key]');
	await expect(log.getByText(`msg ${TOTAL}`, { exact: true })).toBeVisible();
	await expect(log.getByText('msg 1', { exact: true })).toHaveCount(0);

	// The row at the top stays in view while an older page is put above it.
	await log.evaluate((el) => (el.scrollTop = 0));
	const firstShown = log.getByText(`msg ${TOTAL - 99}`, { exact: true });
	await expect(log.getByText(`msg ${TOTAL - 100}`, { exact: true })).toBeAttached();
	await expect(firstShown).toBeInViewport();

	await expect
		.poll(
			async () => {
				await log.evaluate((el) => (el.scrollTop = 0));
				return log.getByText('msg 1', { exact: true }).count();
			},
			{ timeout: 20_000 }
		)
		.toBe(1);
	await expect(log.getByText('This is the very beginning of #general.')).toBeVisible();
	expect(await rows.count()).toBeLessThanOrEqual(300);
	await expect(log.getByText(`msg ${TOTAL}`, { exact: true })).toHaveCount(0);

	await alice.page.getByRole('button', { name: 'Jump to latest' }).click();
	await expect(log.getByText(`msg ${TOTAL}`, { exact: true })).toBeInViewport();
	expect(await rows.count()).toBeLessThanOrEqual(300);
	await alice.close();
});
