import { expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';

export const password = 'password123';

let seq = 0;
/** A username no other test in the run uses. */
export function uniqueName(prefix: string): string {
	return `${prefix}_${Date.now().toString(36).slice(-5)}${++seq}`;
}

export interface Person {
	name: string;
	page: Page;
	close(): Promise<void>;
}

/** A new browser context with a freshly registered account, on the chat page. */
export async function person(
	browser: Browser,
	prefix: string,
	options: BrowserContextOptions & { base?: string } = {}
): Promise<Person> {
	const { base = '', ...contextOptions } = options;
	const context = await browser.newContext(contextOptions);
	const page = await context.newPage();
	const name = uniqueName(prefix);
	await page.goto(`${base}/register`);
	await page.getByLabel('Username').fill(name);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByLabel('Message')).toBeVisible();
	await expect(page.locator('[data-status="connected"]')).toBeAttached();
	return { name, page, close: () => context.close() };
}

export async function send(page: Page, text: string): Promise<void> {
	await page.getByLabel('Message').fill(text);
	await page.getByLabel('Message').press('Enter');
}

/** The sidebar button of a room or direct chat. */
export function conversation(page: Page, name: string) {
	return page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name });
}

export function history(page: Page) {
	return page.getByRole('log', { name: 'Chat history' });
}

/** Registers an account on a test server of the spec's own over the API; its session cookie. */
export async function registerOn(server: { url: string }, username: string) {
	const res = await fetch(`${server.url}/api/auth/register`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username, password })
	});
	expect(res.status).toBe(201);
	const cookie = res.headers.getSetCookie().find((c) => c.startsWith('session='))!;
	const user = (await res.json()).user as { id: number; username: string };
	return { cookie: cookie.split(';')[0], user, id: user.id };
}
