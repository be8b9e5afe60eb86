import { expect, test } from '@playwright/test';
import { connect, register } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { history, person, send, uniqueName } from './ui-helpers';

/** These tests stop and restart a server, so they get their own. */
let server: TestServer;
test.beforeAll(async () => {
	server = await startServer({ RATE_LIMIT_BURST: '100' });
});
test.afterAll(async () => {
	await server.dispose();
});

test('after a server restart the UI reconnects and shows what was sent meanwhile, once', async ({
	browser
}) => {
	const alice = await person(browser, 'alice', { base: server.url });
	await send(alice.page, 'before the restart');
	await expect(history(alice.page).getByText('before the restart')).toBeVisible();

	await server.stop(true);
	await expect(
		alice.page.locator('[data-status="reconnecting"], [data-status="offline"]')
	).toBeAttached();
	server = await server.restart();

	// Someone else writes while Alice's page is still waiting to come back.
	const carol = await register(server, uniqueName('carol'));
	const client = await connect(server, { cookie: carol.cookie });
	const text = `while you were away ${uniqueName('x')}`;
	client.send({ type: 'message', room: 'general', content: text, client_id: 'c-1' });
	await client.next((e) => e.type === 'message' && e.content === text);

	await expect(alice.page.locator('[data-status="connected"]')).toBeAttached({ timeout: 15_000 });
	await expect(history(alice.page).getByText(text)).toHaveCount(1);
	await expect(history(alice.page).getByText('before the restart')).toHaveCount(1);
	// And live messages flow again.
	client.send({ type: 'message', room: 'general', content: 'live again', client_id: 'c-2' });
	await expect(history(alice.page).getByText('live again')).toHaveCount(1);
	client.ws.close();
	await alice.close();
});

test('messages written while offline wait in the outbox and go out on reconnect', async ({
	browser
}) => {
	const alice = await person(browser, 'alice', { base: server.url });
	const bob = await person(browser, 'bob', { base: server.url });

	await server.stop(true);
	await expect(
		alice.page.locator('[data-status="reconnecting"], [data-status="offline"]')
	).toBeAttached();
	const text = `queued ${uniqueName('q')}`;
	await send(alice.page, text);
	const row = history(alice.page).locator('article', { hasText: text });
	await expect(row.getByText('Waiting for connection')).toBeVisible();

	server = await server.restart();
	await expect(row.getByText('Waiting for connection')).toBeHidden({ timeout: 15_000 });
	await expect(history(bob.page).getByText(text)).toHaveCount(1, { timeout: 15_000 });
	await expect(history(alice.page).getByText(text)).toHaveCount(1);
	await alice.close();
	await bob.close();
});
