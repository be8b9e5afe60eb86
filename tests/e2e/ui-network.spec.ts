import {
	expect,
	test,
	type BrowserContext,
	type Page,
	type WebSocketRoute
} from '@playwright/test';
import { startServer, type TestServer } from '../helpers/server';
import { history, person, send, uniqueName } from './ui-helpers';

/**
 * Issue 16 item 1: a short network drop must not leave the app offline or lose what was typed.
 * Each message is checked in a second browser and counted: it must arrive exactly once.
 * Own server, so the counts are not disturbed by other files' traffic.
 */
let server: TestServer;
test.beforeAll(async () => {
	server = await startServer({ RATE_LIMIT_BURST: '100' });
});
test.afterAll(async () => {
	await server.dispose();
});

const status = (page: Page, s: string) => page.locator(`[data-status="${s}"]`);

function row(page: Page, text: string) {
	return history(page).locator('article', { hasText: text });
}

/**
 * Routes the context's WebSockets through the test: `block` refuses new connections,
 * `stall` makes the current ones go silent both ways (a socket whose network vanished
 * without a close), `dropEchoesOf` swallows the server's frames that mention a text.
 */
async function wsControl(context: BrowserContext) {
	const ctl = {
		block: false,
		dropEchoesOf: null as string | null,
		attempts: 0,
		live: [] as { stalled: boolean }[]
	};
	await context.routeWebSocket(/\/ws$/, (ws: WebSocketRoute) => {
		ctl.attempts++;
		if (ctl.block) return void ws.close({ code: 1011, reason: 'blocked by test' });
		const pair = { stalled: false };
		ctl.live.push(pair);
		const upstream = ws.connectToServer();
		ws.onMessage((m) => {
			if (!pair.stalled) upstream.send(m);
		});
		upstream.onMessage((m) => {
			if (pair.stalled) return;
			if (ctl.dropEchoesOf && typeof m === 'string' && m.includes(ctl.dropEchoesOf)) return;
			ws.send(m);
		});
		ws.onClose((code, reason) => upstream.close({ code, reason }));
		upstream.onClose((code, reason) => ws.close({ code, reason }));
	});
	return ctl;
}

/** Reloads, answering the "leave with unsent messages?" question; returns whether it was asked. */
async function reloadAnsweringLeave(page: Page): Promise<boolean> {
	let asked = false;
	const onDialog = (d: import('@playwright/test').Dialog) => {
		asked = d.type() === 'beforeunload';
		void d.accept();
	};
	page.on('dialog', onDialog);
	await page.reload();
	page.off('dialog', onDialog);
	return asked;
}

test('a message typed during a short network drop goes out once when the network is back', async ({
	browser
}) => {
	const alice = await person(browser, 'alice', { base: server.url });
	const bob = await person(browser, 'bob', { base: server.url });
	const context = alice.page.context();

	await context.setOffline(true);
	await expect(status(alice.page, 'offline')).toBeAttached();
	const text = `typed offline ${uniqueName('t')}`;
	await send(alice.page, text);
	await expect(row(alice.page, text).getByText('Waiting for connection')).toBeVisible();
	await context.setOffline(false);

	await expect(status(alice.page, 'connected')).toBeAttached();
	await expect(row(alice.page, text).getByText('Waiting for connection')).toBeHidden();
	await expect(history(bob.page).getByText(text)).toHaveCount(1);
	// A second blip resends nothing that already went out.
	await context.setOffline(true);
	await expect(status(alice.page, 'offline')).toBeAttached();
	await context.setOffline(false);
	await expect(status(alice.page, 'connected')).toBeAttached();
	await send(alice.page, `after ${text}`);
	await expect(history(bob.page).getByText(`after ${text}`)).toHaveCount(1);
	await expect(history(bob.page).getByText(text, { exact: true })).toHaveCount(1);
	await expect(history(alice.page).getByText(text, { exact: true })).toHaveCount(1);
	await alice.close();
	await bob.close();
});

test('an unsent message survives a reload (the page asks first) and goes out once', async ({
	browser
}) => {
	const alice = await person(browser, 'alice', { base: server.url });
	const bob = await person(browser, 'bob', { base: server.url });
	const ctl = await wsControl(alice.page.context());

	// Cut off: the socket is gone and new ones are refused.
	ctl.block = true;
	await alice.page.context().setOffline(true);
	await expect(status(alice.page, 'offline')).toBeAttached();
	const text = `survives reload ${uniqueName('r')}`;
	await send(alice.page, text);
	await expect(row(alice.page, text).getByText('Waiting for connection')).toBeVisible();
	await alice.page.context().setOffline(false);

	expect(await reloadAnsweringLeave(alice.page)).toBe(true);
	// Still refused: the message is back from the disk, waiting.
	await expect(row(alice.page, text).getByText('Waiting for connection')).toBeVisible();
	await expect(history(bob.page).getByText(text)).toHaveCount(0);

	ctl.block = false;
	await alice.page.getByRole('button', { name: 'Retry now' }).click();
	await expect(row(alice.page, text).getByText('Waiting for connection')).toBeHidden();
	await expect(history(bob.page).getByText(text)).toHaveCount(1);
	await expect(history(alice.page).getByText(text)).toHaveCount(1);
	// Nothing is left to resend: another reload asks nothing and shows it once.
	expect(await reloadAnsweringLeave(alice.page)).toBe(false);
	await expect(history(alice.page).getByText(text)).toHaveCount(1);
	await alice.close();
	await bob.close();
});

test('a message stored but never confirmed is resent after a reload and stored once', async ({
	browser
}) => {
	const alice = await person(browser, 'alice', { base: server.url });
	const bob = await person(browser, 'bob', { base: server.url });
	const ctl = await wsControl(alice.page.context());
	await alice.page.reload();
	await expect(status(alice.page, 'connected')).toBeAttached();

	// The server stores it and Bob sees it, but Alice's confirmation is lost on the way.
	const text = `echo lost ${uniqueName('e')}`;
	ctl.dropEchoesOf = text;
	await send(alice.page, text);
	await expect(history(bob.page).getByText(text)).toHaveCount(1);
	await expect(row(alice.page, text).getByText('Sending')).toBeVisible();

	ctl.dropEchoesOf = null;
	expect(await reloadAnsweringLeave(alice.page)).toBe(true);
	// Sent again with the same client_id: the server answers with the stored message.
	await expect(row(alice.page, text)).toHaveCount(1);
	await expect(row(alice.page, text).getByText('Sending')).toBeHidden();
	await expect(row(alice.page, text).getByText('Waiting for connection')).toBeHidden();
	const res = await alice.page.request.get(`${server.url}/api/rooms/general/messages?limit=100`);
	const { messages } = (await res.json()) as { messages: { content: string }[] };
	expect(messages.filter((m) => m.content === text)).toHaveLength(1);
	await expect(history(bob.page).getByText(text)).toHaveCount(1);
	await alice.close();
	await bob.close();
});

test('"Retry now" connects at once, even when the browser never says it is online', async ({
	browser
}) => {
	const alice = await person(browser, 'alice', { base: server.url });
	const page = alice.page;
	// Some browsers miss the `online` event (sleep, network switch): swallow it before the app
	// sees it (registered first, so it runs first).
	await page.addInitScript(() =>
		window.addEventListener('online', (e) => e.stopImmediatePropagation())
	);
	// Timers stand still from here: no backoff retry can fire, only the button can reconnect.
	await page.clock.install();
	await page.reload();
	await expect(status(page, 'connected')).toBeAttached();
	await page.clock.pauseAt(Date.now() + 1000);

	await page.context().setOffline(true);
	await expect(status(page, 'offline')).toBeAttached();
	await page.context().setOffline(false);
	await expect(status(page, 'offline')).toBeAttached();
	// A synthetic click: Playwright's actionability checks wait for animation frames, which
	// the paused clock holds back.
	await page.getByRole('button', { name: 'Retry now' }).dispatchEvent('click');
	await expect(status(page, 'connected')).toBeAttached();
	await alice.close();
});

test('a socket that went silent is noticed by the heartbeat and replaced; nothing is lost', async ({
	browser
}) => {
	const alice = await person(browser, 'alice', { base: server.url });
	const bob = await person(browser, 'bob', { base: server.url });
	const page = alice.page;
	const ctl = await wsControl(page.context());
	await page.clock.install();
	await page.reload();
	await expect(status(page, 'connected')).toBeAttached();
	await page.clock.pauseAt(Date.now() + 1000);

	// The network under the socket vanishes without a close and without an `offline` event.
	for (const pair of ctl.live) pair.stalled = true;
	const text = `into the void ${uniqueName('v')}`;
	await send(page, text);
	await expect(status(page, 'connected')).toBeAttached();

	// Past the heartbeat (30 s by default) with no answer to the ping: dead, replaced.
	const before = ctl.attempts;
	await page.clock.runFor(31_000);
	await expect.poll(() => ctl.attempts).toBeGreaterThan(before);
	await expect(status(page, 'connected')).toBeAttached();
	await expect(row(page, text).getByText('Waiting for connection')).toBeHidden();
	await expect(history(bob.page).getByText(text)).toHaveCount(1);
	await expect(history(page).getByText(text)).toHaveCount(1);
	await alice.close();
	await bob.close();
});
