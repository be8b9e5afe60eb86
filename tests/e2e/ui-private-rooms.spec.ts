import { expect, test } from '@playwright/test';
import { conversation, person, send, uniqueName, history } from './ui-helpers';

/** Issue 15 item 1: a private room, an invitation, and someone who never sees it. */

test('create a private room, invite someone: they see it, a third person does not; the creator removes them', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	const carol = await person(browser, 'carol');
	const room = uniqueName('hq').toLowerCase();

	await alice.page.getByRole('button', { name: 'Create private room' }).click();
	await expect(alice.page.getByRole('checkbox', { name: 'Private' })).toBeChecked();
	await alice.page.getByLabel('Room name').fill(room);
	await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
	await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(room);
	await send(alice.page, 'only for the two of us');

	await alice.page.getByRole('button', { name: 'Invite', exact: true }).click();
	await alice.page.getByLabel('Search people to invite').fill(bob.name);
	await alice.page.getByRole('button', { name: `Invite ${bob.name}` }).click();
	await expect(alice.page.getByRole('button', { name: 'Invited' })).toBeDisabled();
	if (process.env.SCREENSHOTS)
		await alice.page.screenshot({ path: `${process.env.SCREENSHOTS}/private-invite.png` });
	await alice.page.keyboard.press('Escape');

	// Bob has it in his list (without being taken away from what he reads) and reads it.
	await expect(conversation(bob.page, room)).toBeVisible();
	await expect(bob.page.getByRole('heading', { level: 1 })).toHaveText('#general');
	await conversation(bob.page, room).click();
	await expect(history(bob.page).getByText('only for the two of us')).toBeVisible();
	await send(bob.page, 'thanks for the invite');
	// Its creator changes the topic in the room's settings; the member sees it live.
	await alice.page.getByRole('button', { name: 'Room settings' }).click();
	await alice.page.getByLabel('Topic').fill('launch planning');
	await alice.page.getByRole('button', { name: 'Save' }).click();
	await expect(bob.page.locator('.head .topic')).toHaveText('launch planning');
	await expect(bob.page.getByRole('button', { name: 'Room settings' })).toHaveCount(0);

	// Carol sees nothing of it: not listed, not offered, and its address says it does not exist.
	await expect(conversation(carol.page, room)).toHaveCount(0);
	await carol.page.getByRole('button', { name: 'Join a room' }).click();
	await expect(carol.page.getByRole('button', { name: `Join #${room}` })).toHaveCount(0);
	await carol.page.keyboard.press('Escape');
	await carol.page.goto(`/r/${room}`);
	await expect(carol.page.getByTestId('route-notice')).toContainText(`There is no room #${room}`);

	// The creator removes Bob: the room leaves his list at once.
	await history(alice.page).getByText('thanks for the invite').waitFor();
	await history(alice.page)
		.getByRole('button', { name: new RegExp(bob.name) })
		.first()
		.click();
	await alice.page.getByRole('button', { name: 'Remove from room' }).click();
	await expect(conversation(bob.page, room)).toHaveCount(0);
	await alice.close();
	await bob.close();
	await carol.close();
});
