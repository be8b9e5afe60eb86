import { expect, test, type Page } from '@playwright/test';

const password = 'password123';

async function registerVia(page: Page, username: string) {
	await page.goto('/register');
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	// `/` opens the last conversation, general for a new account.
	await expect(page).toHaveURL('/r/general');
}

test('a logged-out visitor is sent to /login', async ({ page }) => {
	await page.goto('/');
	await expect(page).toHaveURL(/\/login/);
	await expect(page.getByLabel('Username')).toBeVisible();
});

test('register, chat live with a second browser, and keep history after reload', async ({
	browser
}) => {
	const stamp = Date.now().toString(36);
	const alice = await browser.newContext();
	const bob = await browser.newContext();
	const a = await alice.newPage();
	const b = await bob.newPage();
	await registerVia(a, `alice_${stamp}`);
	await registerVia(b, `bob_${stamp}`);

	const text = `hello from alice ${stamp}`;
	await a.getByLabel('Message').fill(text);
	await a.getByRole('button', { name: 'Send' }).click();
	await expect(a.getByText(text)).toBeVisible();
	await expect(b.getByText(text)).toBeVisible();

	await b.reload();
	await expect(b.getByText(text)).toBeVisible();
	await alice.close();
	await bob.close();
});

test('shows the error next to the field on a wrong password', async ({ page }) => {
	await page.goto('/login');
	await page.getByLabel('Username').fill('nobody_at_all');
	await page.getByLabel('Password').fill('wrong-password');
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByText('Wrong username or password')).toBeVisible();
	await expect(page.getByLabel('Username')).toHaveValue('nobody_at_all');
});
