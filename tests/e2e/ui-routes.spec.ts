import { expect, test, type Page } from '@playwright/test';
import { conversation, person, uniqueName } from './ui-helpers';

/** Issue 16 items 5 (conversations have addresses) and 2 (member counts follow events). */

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const members = (page: Page) => page.locator('.head .members');

async function createRoom(page: Page, room: string) {
	await page.getByRole('button', { name: 'Create room' }).click();
	await page.getByLabel('Room name').fill(room);
	await page.getByRole('button', { name: 'Create', exact: true }).click();
	await expect(heading(page)).toHaveText(`#${room}`);
}

test('each conversation has an address: reload, Back/Forward and / keep it, on one socket', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	const page = alice.page;
	let sockets = 0;
	page.on('websocket', () => sockets++);
	await expect(page).toHaveURL('/r/general');

	const room = uniqueName('room');
	await createRoom(page, room);
	await expect(page).toHaveURL(`/r/${room}`);
	await conversation(page, 'general').click();
	await expect(page).toHaveURL('/r/general');
	await page.getByRole('button', { name: `Chat with ${bob.name}` }).click();
	await expect(page).toHaveURL(`/dm/${bob.name}`);
	await expect(heading(page)).toHaveText(bob.name);

	// Back and Forward walk the conversations without leaving the app or reconnecting.
	await page.goBack();
	await expect(page).toHaveURL('/r/general');
	await expect(heading(page)).toHaveText('#general');
	await page.goBack();
	await expect(heading(page)).toHaveText(`#${room}`);
	await page.goForward();
	await expect(heading(page)).toHaveText('#general');
	expect(sockets).toBe(0);

	// Reload keeps the conversation; `/` opens the last one used.
	await page.goto(`/r/${room}`);
	await expect(heading(page)).toHaveText(`#${room}`);
	await page.reload();
	await expect(heading(page)).toHaveText(`#${room}`);
	await page.goto('/');
	await expect(page).toHaveURL(`/r/${room}`);
	await expect(heading(page)).toHaveText(`#${room}`);

	await alice.close();
	await bob.close();
});

test('a shared link to a DM opens it; reload and the language switch keep it', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	// Bob has no DM with Alice yet: the address alone names her.
	await bob.page.goto(`/dm/${alice.name}`);
	await expect(heading(bob.page)).toHaveText(alice.name);
	await bob.page.reload();
	await expect(heading(bob.page)).toHaveText(alice.name);

	// Switching language reloads in the same conversation.
	await bob.page.getByRole('button', { name: 'Profile and settings' }).click();
	await bob.page.getByRole('button', { name: '简体中文' }).click();
	await expect(bob.page.getByRole('button', { name: '个人资料与设置' })).toBeVisible();
	await expect(bob.page).toHaveURL(`/dm/${alice.name}`);
	await expect(heading(bob.page)).toHaveText(alice.name);
	await alice.close();
	await bob.close();
});

test('an unknown room or user says so and falls back; a room one is not in offers to join', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	const page = alice.page;

	await page.goto('/r/no_such_room');
	await expect(page.getByTestId('route-notice')).toContainText('There is no room #no_such_room');
	await expect(page).toHaveURL('/r/general');
	await expect(heading(page)).toHaveText('#general');

	await page.goto('/dm/nobody_by_that_name');
	await expect(page.getByTestId('route-notice')).toContainText('nobody_by_that_name');
	await expect(page).toHaveURL('/r/general');

	const room = uniqueName('room');
	await createRoom(bob.page, room);
	await page.goto(`/r/${room}`);
	await expect(page.getByTestId('route-notice')).toContainText(`You are not in #${room}`);
	await expect(heading(page)).toHaveText('#general');
	await page.getByRole('button', { name: `Join #${room}` }).click();
	await expect(page).toHaveURL(`/r/${room}`);
	await expect(heading(page)).toHaveText(`#${room}`);
	await expect(page.getByTestId('route-notice')).toBeHidden();
	await alice.close();
	await bob.close();
});

test('member counts follow joins, leaves and new accounts live', async ({ browser }) => {
	const alice = await person(browser, 'alice');
	const page = alice.page;
	await expect(members(page)).toHaveText(/^\d+ members?$/);
	const before = Number((await members(page).textContent())!.match(/\d+/)![0]);

	// A new account is a member of general at once, for everyone already there.
	const bob = await person(browser, 'bob');
	await expect(members(page)).toHaveText(`${before + 1} members`);
	await expect(members(bob.page)).toHaveText(`${before + 1} members`);

	const room = uniqueName('room');
	await createRoom(page, room);
	await expect(members(page)).toHaveText('1 member');
	// The joiner sees the new count, not the one from before the join.
	await bob.page.getByRole('button', { name: 'Join a room' }).click();
	await bob.page.getByRole('button', { name: `Join #${room}` }).click();
	await expect(heading(bob.page)).toHaveText(`#${room}`);
	await expect(members(bob.page)).toHaveText('2 members');
	await expect(members(page)).toHaveText('2 members');
	await bob.page.getByRole('button', { name: 'Leave room' }).click();
	await expect(members(page)).toHaveText('1 member');
	await alice.close();
	await bob.close();
});
