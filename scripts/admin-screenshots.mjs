// Screenshots of the admin panel in the light and dark themes, for docs/screenshots/.
// Usage: npx vite build && node scripts/admin-screenshots.mjs
// Starts the built server on a free port with a throwaway database, fills it with a few
// people and moderation actions, and photographs /admin with Debian's Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import WebSocket from 'ws';

const port = await new Promise((resolve) => {
	const srv = createServer().listen(0, '127.0.0.1', () => {
		const { port } = srv.address();
		srv.close(() => resolve(port));
	});
});
const url = `http://127.0.0.1:${port}`;
const dir = mkdtempSync(join(tmpdir(), 'chat-shots-'));
const server = spawn(process.execPath, ['server.js'], {
	env: {
		...process.env,
		SKIP_BUILD: '1',
		PORT: String(port),
		HOST: '127.0.0.1',
		DATABASE_URL: join(dir, 'chat.db'),
		LOG_LEVEL: 'warn'
	},
	stdio: 'inherit'
});
const sockets = [];
try {
	for (let i = 0; ; i++) {
		if (i > 200) throw new Error('server did not start');
		if (
			await fetch(`${url}/healthz`).then(
				(r) => r.ok,
				() => false
			)
		)
			break;
		await new Promise((r) => setTimeout(r, 50));
	}
	const post = async (path, body, cookie = '') => {
		const res = await fetch(url + path, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie },
			body: JSON.stringify(body)
		});
		const set = res.headers.getSetCookie().find((c) => c.startsWith('session='));
		return { res, json: await res.json().catch(() => null), cookie: set?.split(';')[0] ?? '' };
	};
	const register = (username) => post('/api/auth/register', { username, password: 'password123' });
	const admin = await register('moderator');
	const people = {};
	for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi']) {
		people[name] = await register(name);
	}
	const online = (cookie) =>
		new Promise((resolve) => {
			const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { cookie, origin: url } });
			sockets.push(ws);
			ws.on('open', () => resolve(ws));
		});
	for (const name of ['alice', 'bob', 'carol', 'erin', 'grace']) {
		const ws = await online(people[name].cookie);
		ws.send(JSON.stringify({ type: 'message', content: `hi, ${name} here` }));
	}
	await online(people.alice.cookie); // a second tab
	const act = (action, name, extra = {}) =>
		post(
			'/api/admin/actions',
			{ action, target_id: people[name].json.user.id, ...extra },
			admin.cookie
		);
	await act('promote', 'grace', { reason: 'Helps out in #general' });
	await act('mute', 'dave', { duration_seconds: 3600, reason: 'Flooding the channel' });
	await act('kick', 'frank', { reason: 'Cool off for a bit' });
	await act('ban', 'heidi', { reason: 'Spam links' });
	await act('mute', 'bob', { duration_seconds: 300, reason: 'Off-topic arguing' });
	await post('/api/admin/users', { username: 'ivan', password: 'password123' }, admin.cookie);

	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']
	});
	for (const scheme of ['light', 'dark']) {
		const context = await browser.newContext({
			colorScheme: scheme,
			viewport: { width: 1360, height: 900 },
			deviceScaleFactor: 1
		});
		const [name, value] = admin.cookie.split('=');
		await context.addCookies([{ name, value, url }]);
		const page = await context.newPage();
		await page.goto(`${url}/admin`);
		await page.getByText('Live', { exact: true }).waitFor();
		await page.getByRole('button', { name: 'Manage bob' }).click();
		await page.getByLabel('Reason').fill('Second warning today');
		await page.screenshot({ path: `docs/screenshots/admin-${scheme}.png`, fullPage: true });
		if (scheme === 'light') {
			await page.getByRole('button', { name: 'Manage carol' }).click();
			await page.getByRole('button', { name: 'Ban…' }).click();
			await page.screenshot({ path: 'docs/screenshots/admin-ban-dialog.png' });
		}
		await context.close();
	}
	// A phone-sized view, to check the layout folds into one column.
	const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
	const [name, value] = admin.cookie.split('=');
	await phone.addCookies([{ name, value, url }]);
	const page = await phone.newPage();
	await page.goto(`${url}/admin`);
	await page.getByText('Live', { exact: true }).waitFor();
	await page.getByRole('button', { name: 'Manage dave' }).click();
	await page.screenshot({ path: 'docs/screenshots/admin-phone.png', fullPage: true });
	await phone.close();
	await browser.close();
} finally {
	for (const ws of sockets) ws.terminate();
	server.kill('SIGTERM');
	await new Promise((r) => server.once('exit', r));
	rmSync(dir, { recursive: true, force: true });
}
