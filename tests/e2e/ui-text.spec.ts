import { expect, test, type Page } from '@playwright/test';
import { history, person, send, uniqueName } from './ui-helpers';

/** Issue 16 items 4, 8 and 9 and issue 10 item 11: composer, Markdown, images, emoji. */

const composer = (page: Page) => page.getByLabel('Message');
const height = (page: Page) => composer(page).evaluate((el) => el.getBoundingClientRect().height);

/** A 1×1 PNG, served for the "remote" image host the tests route. */
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
	'base64'
);

test('the composer shrinks back after sending a multi-line message', async ({ browser }) => {
	const alice = await person(browser, 'alice');
	const box = composer(alice.page);
	const empty = await height(alice.page);
	await box.fill(['line 1', 'line 2', 'line 3', 'line 4', 'line 5'].join('\n'));
	await expect.poll(() => height(alice.page)).toBeGreaterThan(empty * 2);
	await box.press('Enter');
	await expect(history(alice.page).getByText('line 5')).toBeVisible();
	await expect(box).toHaveValue('');
	await expect.poll(() => height(alice.page)).toBe(empty);
	await alice.close();
});

test('Markdown renders as elements; HTML in a message stays text', async ({ browser }) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	const tag = uniqueName('md');
	await send(
		alice.page,
		[
			`**bold ${tag}** and _italic_ and \`inline code\``,
			'> a quote',
			'',
			'- first',
			'- second',
			'',
			'see www.example.com/docs and <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>'
		].join('\n')
	);
	const log = history(bob.page);
	const msg = log.locator('article').filter({ hasText: tag });
	await expect(msg.locator('strong')).toHaveText(`bold ${tag}`);
	await expect(msg.locator('em')).toHaveText('italic');
	await expect(msg.locator('code')).toHaveText('inline code');
	await expect(msg.locator('blockquote')).toHaveText('a quote');
	await expect(msg.locator('li')).toHaveText(['first', 'second']);
	const link = msg.getByRole('link', { name: 'www.example.com/docs' });
	await expect(link).toHaveAttribute('href', 'https://www.example.com/docs');
	await expect(link).toHaveAttribute('target', '_blank');
	await expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow');
	await expect(msg).toContainText('<img src=x onerror="window.__pwned=1">');
	await expect(msg).toContainText('<script>window.__pwned=2</script>');
	await expect(msg.locator('img, script')).toHaveCount(0);
	expect(await bob.page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
	await alice.close();
	await bob.close();
});

test('Enter inside an open ``` fence adds a line; the block has a copy button', async ({
	browser
}) => {
	const alice = await person(browser, 'alice', {
		permissions: ['clipboard-read', 'clipboard-write']
	});
	const box = composer(alice.page);
	const tag = uniqueName('code');
	await box.click();
	await box.pressSequentially('```');
	await box.press('Enter');
	await box.pressSequentially(`let ${tag} = 1;`);
	await box.press('Enter');
	await box.pressSequentially('```');
	// Still in the composer: nothing was sent while the fence was open.
	await expect(box).toHaveValue(`\`\`\`\nlet ${tag} = 1;\n\`\`\``);
	await box.press('Enter');
	await expect(box).toHaveValue('');

	const block = history(alice.page).locator('pre').filter({ hasText: tag });
	await expect(block).toHaveText(`let ${tag} = 1;`);
	const family = await block.evaluate(
		(el) => getComputedStyle(el.querySelector('code')!).fontFamily
	);
	expect(family).toMatch(/mono/i);
	const copy = history(alice.page)
		.locator('article')
		.filter({ hasText: tag })
		.getByRole('button', { name: 'Copy code' });
	await copy.click();
	await expect(copy).toHaveText('Copied');
	expect(await alice.page.evaluate(() => navigator.clipboard.readText())).toBe(`let ${tag} = 1;`);
	await alice.close();
});

test('remote images load only when asked, for linked images and image messages', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const bob = await person(browser, 'bob');
	const host = 'img.remote.test';
	const requested: string[] = [];
	await bob.page.context().route(`https://${host}/**`, (route) => {
		requested.push(route.request().url());
		return route.fulfill({ contentType: 'image/png', body: PNG });
	});
	const tag = uniqueName('img');
	await send(alice.page, `look ${tag} https://${host}/${tag}.png`);
	// The protocol's `image` message, sent over a second socket of alice's session.
	await alice.page.evaluate(
		([url]) =>
			new Promise<void>((resolve, reject) => {
				const ws = new WebSocket(`ws://${location.host}/ws`);
				ws.onmessage = (e) => {
					if (JSON.parse(e.data).type !== 'welcome') return;
					ws.send(JSON.stringify({ type: 'image', room: 'general', url, client_id: 'img-' + url }));
					setTimeout(() => (ws.close(), resolve()), 200);
				};
				ws.onerror = reject;
			}),
		[`https://${host}/${tag}-2.png`]
	);

	const log = history(bob.page);
	const linked = log.locator('article').filter({ hasText: tag });
	await expect(linked.getByRole('link', { name: `https://${host}/${tag}.png` })).toBeVisible();
	const buttons = log.getByRole('button', { name: `Load image from ${host}` });
	await expect(buttons).toHaveCount(2);
	expect(requested).toEqual([]);

	await buttons.first().click();
	const img = log.getByRole('img', { name: `Image from ${alice.name}` });
	await expect(img).toHaveCount(1);
	await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(1);
	expect(requested).toEqual([`https://${host}/${tag}.png`]);
	await buttons.first().click();
	await expect(img).toHaveCount(2);
	expect(requested).toEqual([`https://${host}/${tag}.png`, `https://${host}/${tag}-2.png`]);
	await alice.close();
	await bob.close();
});

test('the emoji picker searches, browses categories, applies skin tone and remembers', async ({
	browser
}) => {
	const alice = await person(browser, 'alice');
	const page = alice.page;
	const picker = page.getByRole('dialog', { name: 'Emoji' });
	await page.getByRole('button', { name: 'Emoji' }).click();
	await expect(page.getByLabel('Search emoji')).toBeFocused();
	await page.getByLabel('Search emoji').fill('rocket');
	await picker.getByRole('button', { name: 'rocket', exact: true }).click();
	await expect(picker).toBeHidden();
	await expect(composer(page)).toHaveValue('🚀');
	await expect(composer(page)).toBeFocused();

	// Keyboard only: type, ↓ into the grid, → to the next one, Enter.
	await page.getByRole('button', { name: 'Emoji' }).click();
	await page.keyboard.type('thumbs up');
	await page.keyboard.press('ArrowDown');
	await expect(picker.getByRole('button', { name: 'thumbs up', exact: true })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(composer(page)).toHaveValue('🚀👍');

	// Skin tone applies to emoji that have tones, and is kept.
	await page.getByRole('button', { name: 'Emoji' }).click();
	const tones = picker.getByRole('combobox', { name: 'Skin tone' });
	await expect(tones.getByRole('option', { name: 'Dark skin tone', exact: true })).toHaveText('✋🏿');
	await tones.selectOption({ index: 5 });
	await page.getByLabel('Search emoji').fill('waving hand');
	await expect(picker.getByRole('button', { name: 'waving hand', exact: true })).toHaveText('👋🏿');
	await picker.getByRole('button', { name: 'waving hand', exact: true }).click();
	await expect(composer(page)).toHaveValue('🚀👍👋🏿');

	// Recently used comes first next time; categories browse the rest.
	await page.getByRole('button', { name: 'Emoji' }).click();
	await expect(picker.getByRole('button', { name: 'Recently used' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	await expect(picker.getByRole('group', { name: 'Recently used' }).getByRole('button')).toHaveText(
		['👋🏿', '👍', '🚀']
	);
	await picker.getByRole('button', { name: 'Food & drink' }).click();
	await expect(picker.getByRole('button', { name: 'hamburger', exact: true })).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(picker).toBeHidden();
	await expect(page.getByRole('button', { name: 'Emoji' })).toBeFocused();
	await alice.close();
});

test(':shortcode: autocomplete is a listbox driven by the keyboard', async ({ browser }) => {
	const alice = await person(browser, 'alice');
	const page = alice.page;
	const box = composer(page);
	const list = page.getByRole('listbox', { name: 'Emoji suggestions' });
	await box.click();
	await box.pressSequentially('party :tad');
	await expect(list).toBeVisible();
	await expect(list.getByRole('option', { selected: true })).toContainText(':tada:');
	await expect(box).toHaveAttribute('aria-activedescendant', 'shortcode-0');
	await box.press('Enter');
	await expect(list).toBeHidden();
	await expect(box).toHaveValue('party 🎉');

	await box.pressSequentially(' :thumbs');
	await expect(list).toBeVisible();
	await box.press('ArrowDown');
	await expect(box).toHaveAttribute('aria-activedescendant', 'shortcode-1');
	await box.press('ArrowUp');
	await expect(list.getByRole('option', { selected: true })).toContainText(':thumbsup:');
	await box.press('Tab');
	await expect(box).toHaveValue('party 🎉 👍');

	await box.pressSequentially(' :smi');
	await expect(list).toBeVisible();
	await box.press('Escape');
	await expect(list).toBeHidden();
	await expect(box).toHaveValue('party 🎉 👍 :smi');
	// Enter with the list closed sends, as usual.
	await box.press('Enter');
	await expect(history(page).getByText('party 🎉 👍 :smi')).toBeVisible();
	await alice.close();
});

test('at 360 px, dark, in Chinese: picker fits, labels are translated', async ({ browser }) => {
	const alice = await person(browser, 'alice', {
		viewport: { width: 360, height: 740 },
		colorScheme: 'dark'
	});
	const page = alice.page;
	await page.context().addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'zh', url: page.url() }]);
	await page.reload();
	await expect(page.getByLabel('消息')).toBeVisible();
	const tag = uniqueName('zh');
	await page
		.getByLabel('消息')
		.fill(`**${tag}**\n\`\`\`\nx\n\`\`\`\nhttps://img.remote.test/${tag}.png`);
	await page.getByLabel('消息').press('Enter');
	const msg = page
		.getByRole('log', { name: '聊天记录' })
		.locator('article')
		.filter({ hasText: tag });
	await expect(msg.getByRole('button', { name: '复制代码' })).toBeVisible();
	await expect(msg.getByRole('button', { name: '加载来自 img.remote.test 的图片' })).toBeVisible();

	await page.getByRole('button', { name: '表情' }).click();
	const picker = page.getByRole('dialog', { name: '表情' });
	await expect(picker.getByRole('button', { name: '食物和饮料' })).toBeVisible();
	await expect(picker.getByLabel('搜索表情')).toBeVisible();
	const box = await picker.boundingBox();
	expect(box!.x).toBeGreaterThanOrEqual(0);
	expect(box!.x + box!.width).toBeLessThanOrEqual(360);
	const bg = await picker.evaluate((el) => getComputedStyle(el).backgroundColor);
	expect(bg).not.toBe('rgb(255, 255, 255)');
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
	await alice.close();
});
