import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { startServer, type TestServer } from '../helpers/server';

/**
 * The original tutorial's browser client, opened from a file (a foreign Origin, no session),
 * must work unchanged against a server started with GUESTS=1 (PROTOCOL.md §2).
 */

let server: TestServer;
test.beforeAll(async () => {
	server = await startServer({ GUESTS: '1' });
});
test.afterAll(() => server?.dispose());

const page = (port: number) =>
	`${pathToFileURL(resolve('tests/e2e/fixtures/tutorial-client.html'))}?port=${port}`;

test('the tutorial client opened from a file chats as a guest', async ({ browser }) => {
	const [one, two] = [await browser.newContext(), await browser.newContext()];
	const a = await one.newPage();
	const b = await two.newPage();
	await a.goto(page(server.port));
	await expect(a.locator('#status')).toHaveText(/^You are User\d+ \(#\d+\)$/);
	const aId = (await a.locator('#status').textContent())!.match(/#(\d+)/)![1];
	await b.goto(page(server.port));
	await expect(b.locator('#status')).toHaveText(/^You are User\d+/);

	await a.getByLabel('Nickname').fill('Alice');
	await a.getByRole('button', { name: 'Rename' }).click();
	await expect(a.locator('#status')).toHaveText('You are Alice');

	await a.getByLabel('Chat text').fill('hello from a file');
	await a.getByRole('button', { name: 'Say' }).click();
	await expect(b.getByText('Alice: hello from a file')).toBeVisible();
	await expect(a.getByText('Alice: hello from a file')).toBeVisible();

	await b.getByLabel('Chat text').fill('just for you');
	await b.getByLabel('Private to (id)').fill(aId);
	await b.getByRole('button', { name: 'Say' }).click();
	await expect(a.getByText(/^\(private\) User\d+: just for you$/)).toBeVisible();

	await a.getByRole('button', { name: 'Who is here' }).click();
	await expect(a.locator('#online')).toContainText('Alice');
	await a.getByRole('button', { name: 'Stats' }).click();
	await expect(a.locator('#online')).toHaveText('Online: 2');
	await one.close();
	await two.close();
});
