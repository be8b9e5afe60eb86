import { expect, test, type Page } from '@playwright/test';
import { conversation, history, person, send, uniqueName } from './ui-helpers';

// Messages that change (issue 11 item 8): edit, delete, react, reply in a thread, mention,
// each seen live by a second browser context and again after its reload.

// Two browsers, several changes and reloads per test (and 40 messages in one): more than the
// default 30 s, with room for a busy machine.
test.setTimeout(180_000);

/** The row of the message whose own text (not a quote of it) contains `text`. */
function row(page: Page, text: string) {
	return history(page)
		.locator('article')
		.filter({ has: page.locator('.text', { hasText: text }) });
}

/** Shows a row's actions (hover) and clicks one by its name. */
async function act(page: Page, text: string, action: 'Reply' | 'React' | 'Edit' | 'Delete') {
	const r = row(page, text);
	await r.hover();
	await r.getByRole('button', { name: action, exact: true }).click();
}

test('edit, react and delete: the other browser sees each change live and after a reload', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	const text = `draft ${uniqueName('m')}`;
	await send(alice.page, text);
	await expect(row(bob.page, text)).toHaveCount(1);

	// Bob may not edit or delete alice's message; he may reply and react.
	await row(bob.page, text).hover();
	await expect(
		row(bob.page, text).getByRole('button', { name: 'React', exact: true })
	).toBeVisible();
	await expect(row(bob.page, text).getByRole('button', { name: 'Edit', exact: true })).toHaveCount(
		0
	);
	await expect(
		row(bob.page, text).getByRole('button', { name: 'Delete', exact: true })
	).toHaveCount(0);

	// Edit in place: Escape cancels, Enter saves.
	await act(alice.page, text, 'Edit');
	const editor = alice.page.getByLabel('Edit text');
	await expect(editor).toBeFocused();
	await editor.fill(`${text} (typo)`);
	await editor.press('Escape');
	await expect(editor).toBeHidden();
	await expect(alice.page.getByLabel('Message')).toBeFocused();
	await expect(row(alice.page, `${text} (typo)`)).toHaveCount(0);
	// Up arrow in the empty composer edits one's last message.
	await alice.page.getByLabel('Message').press('ArrowUp');
	await expect(editor).toHaveValue(text);
	await editor.fill(`${text} fixed`);
	await editor.press('Enter');
	for (const page of [alice.page, bob.page]) {
		await expect(row(page, `${text} fixed`)).toHaveCount(1);
		await expect(row(page, `${text} fixed`).getByText('(edited)')).toHaveAttribute(
			'title',
			/^Edited /
		);
	}

	// React from the picker; a chip shows the count, pressed for the one who reacted.
	await act(bob.page, text, 'React');
	const picker = bob.page.getByRole('dialog', { name: 'Emoji' });
	await expect(picker.getByLabel('Search emoji')).toBeFocused();
	await picker.getByLabel('Search emoji').fill('thumbs up');
	await picker.getByRole('button', { name: 'thumbs up', exact: true }).click();
	await expect(picker).toBeHidden();
	await expect(
		row(bob.page, text).getByRole('button', { name: 'React', exact: true })
	).toBeFocused();
	const bobChip = row(bob.page, text).getByRole('button', { name: '👍' });
	const aliceChip = row(alice.page, text).getByRole('button', { name: '👍' });
	await expect(bobChip).toHaveText(/👍\s*1/);
	await expect(bobChip).toHaveAttribute('aria-pressed', 'true');
	await expect(aliceChip).toHaveText(/👍\s*1/);
	await expect(aliceChip).toHaveAttribute('aria-pressed', 'false');
	// A click on the chip adds alice's own; the tooltip names both.
	await aliceChip.click();
	await expect(aliceChip).toHaveAttribute('aria-pressed', 'true');
	await expect(bobChip).toHaveText(/👍\s*2/);
	await aliceChip.hover();
	const tip = row(alice.page, text).getByRole('tooltip');
	await expect(tip).toContainText(alice.name);
	await expect(tip).toContainText(bob.name);
	// And a second click takes it back.
	await aliceChip.click();
	await expect(bobChip).toHaveText(/👍\s*1/);
	await expect(aliceChip).toHaveAttribute('aria-pressed', 'false');
	const bobs = `still here ${uniqueName('b')}`;
	await send(bob.page, bobs);

	await bob.page.reload();
	await expect(row(bob.page, `${text} fixed`)).toHaveCount(1);
	await expect(row(bob.page, text).getByText('(edited)')).toBeVisible();
	await expect(row(bob.page, text).getByRole('button', { name: '👍' })).toHaveText(/👍\s*1/);
	await expect(row(bob.page, text).getByRole('button', { name: '👍' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);

	// Delete asks first; then the row goes for everyone.
	await act(alice.page, text, 'Delete');
	const dialog = alice.page.getByRole('dialog', { name: 'Delete for everyone?' });
	await expect(dialog).toContainText(`${text} fixed`);
	await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
	await expect(dialog).toBeHidden();
	await expect(row(alice.page, text)).toHaveCount(0);
	await expect(row(bob.page, text)).toHaveCount(0);
	await bob.page.reload();
	await expect(row(bob.page, bobs)).toBeVisible();
	await expect(row(bob.page, text)).toHaveCount(0);
	await alice.close();
	await bob.close();
});

test('reply with the quote bar, then in a thread; the other browser follows live and after a reload', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	const root = `question ${uniqueName('q')}`;
	await send(alice.page, root);
	await expect(row(bob.page, root)).toHaveCount(1);

	// The quote bar: Escape cancels it, "Cancel reply" too.
	await act(bob.page, root, 'Reply');
	const bar = bob.page.getByText(`Replying to ${alice.name}`);
	await expect(bar).toBeVisible();
	await expect(bob.page.getByLabel('Message')).toBeFocused();
	await bob.page.getByLabel('Message').press('Escape');
	await expect(bar).toBeHidden();
	await act(bob.page, root, 'Reply');
	await bob.page.getByRole('button', { name: 'Cancel reply' }).click();
	await expect(bar).toBeHidden();

	await act(bob.page, root, 'Reply');
	const answer = `answer ${uniqueName('a')}`;
	await send(bob.page, answer);
	await expect(bar).toBeHidden();
	for (const page of [alice.page, bob.page]) {
		const reply = row(page, answer);
		await expect(reply.getByRole('button', { name: root })).toBeVisible();
		await expect(row(page, root).getByRole('button', { name: '1 reply' })).toBeVisible();
	}

	// The thread: root, replies and its own composer.
	await row(alice.page, root).getByRole('button', { name: '1 reply' }).click();
	const panel = alice.page.getByRole('complementary', { name: 'Thread' });
	await expect(panel).toBeVisible();
	await expect(panel.getByText(root)).toBeVisible();
	await expect(panel.getByText(answer)).toBeVisible();
	await expect(panel.getByLabel('Reply in thread')).toBeFocused();
	const second = `in thread ${uniqueName('t')}`;
	await panel.getByLabel('Reply in thread').fill(second);
	await panel.getByLabel('Reply in thread').press('Enter');
	await expect(panel.getByText(second)).toBeVisible();
	await expect(row(bob.page, root).getByRole('button', { name: '2 replies' })).toBeVisible();
	await expect(row(bob.page, second).getByRole('button', { name: root })).toBeVisible();

	// A quote in the list leads to the original, however far up it is.
	for (let i = 0; i < 40; i++) await send(alice.page, `filler ${i}`);
	await expect(row(alice.page, 'filler 39')).toBeVisible();
	await expect(row(alice.page, root)).not.toBeInViewport();
	const third = `third ${uniqueName('t')}`;
	await panel.getByLabel('Reply in thread').fill(third);
	await panel.getByLabel('Reply in thread').press('Enter');
	await row(alice.page, third).getByRole('button', { name: root }).click();
	await expect(row(alice.page, root)).toBeInViewport();

	await bob.page.reload();
	await row(bob.page, third).getByRole('button', { name: root }).click();
	await row(bob.page, root).getByRole('button', { name: '3 replies' }).click();
	const bobPanel = bob.page.getByRole('complementary', { name: 'Thread' });
	await expect(bobPanel.getByText(answer)).toBeVisible();
	await expect(bobPanel.getByText(second)).toBeVisible();
	await expect(bobPanel.getByText(third)).toBeVisible();
	await bobPanel.getByRole('button', { name: 'Close thread' }).click();
	await expect(bobPanel).toBeHidden();
	await alice.close();
	await bob.close();
});

test('@mention: the suggestion list picks a member; the mention is highlighted and badged', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	// Alice reads a direct chat, so #general's counts show in her sidebar.
	await alice.page.getByRole('button', { name: `Chat with ${bob.name}` }).click();
	await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(bob.name);
	// (A DM with a message is in the page's own list, so a reload opens it at once.)
	await send(alice.page, 'hello bob');
	await expect(history(alice.page).getByText('hello bob')).toBeVisible();

	const box = bob.page.getByLabel('Message');
	await box.click();
	await box.pressSequentially(`hey @${alice.name.slice(0, -1)}`);
	const list = bob.page.getByRole('listbox', { name: 'People to mention' });
	await expect(list).toBeVisible();
	await expect(list.getByRole('option', { name: alice.name }).first()).toBeVisible();
	// Escape closes, typing opens it again, Enter picks.
	await box.press('Escape');
	await expect(list).toBeHidden();
	await box.pressSequentially(alice.name.slice(-1));
	await expect(list).toBeVisible();
	await expect(list.getByRole('option', { selected: true })).toContainText(`@${alice.name}`);
	await box.press('Enter');
	await expect(list).toBeHidden();
	await expect(box).toHaveValue(`hey @${alice.name} `);
	await box.pressSequentially('look');
	await box.press('Enter');

	const general = conversation(alice.page, 'general');
	await expect(general.getByTestId('mention-badge')).toContainText('@1');
	await expect(general.getByTestId('unread-badge')).toBeVisible();
	await alice.page.reload();
	await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(bob.name);
	await expect(general.getByTestId('mention-badge')).toContainText('@1');
	await general.click();
	const mention = row(alice.page, `hey @${alice.name} look`);
	await expect(mention).toHaveClass(/mentioned/);
	await expect(general.getByTestId('mention-badge')).toBeHidden();
	await alice.close();
	await bob.close();
});

test('on a touch screen the actions open as a menu', async ({ browser }) => {
	const alice = await person(browser, 'alice', {
		viewport: { width: 360, height: 740 },
		hasTouch: true,
		isMobile: true
	});
	const text = `touch ${uniqueName('m')}`;
	await send(alice.page, text);
	await row(alice.page, text).getByRole('button', { name: 'Message actions' }).click();
	const menu = alice.page.getByRole('menu');
	await expect(menu.getByRole('menuitem')).toHaveText(['Reply', 'React', 'Edit', 'Delete']);
	await menu.getByRole('menuitem', { name: 'Edit' }).click();
	await alice.page.getByLabel('Edit text').fill(`${text} on the phone`);
	await alice.page.getByLabel('Edit text').press('Enter');
	await expect(row(alice.page, `${text} on the phone`).getByText('(edited)')).toBeVisible();
	await alice.close();
});
