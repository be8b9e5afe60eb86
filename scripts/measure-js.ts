/**
 * Measures the JavaScript the chat page loads on first visit: starts the built server, opens
 * `/` logged in, records every script response and sums raw and gzip sizes (level 9, as a
 * compressing proxy would serve them). `npx tsx scripts/measure-js.ts` after `npm run build`.
 */
import { chromium } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { register } from '../tests/helpers/client';
import { startServer } from '../tests/helpers/server';

const server = await startServer();
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox']
});
try {
	const { cookie } = await register(server, 'measure');
	const context = await browser.newContext();
	const [name, value] = cookie.split('=');
	await context.addCookies([{ name, value, url: server.url }]);
	const page = await context.newPage();
	const scripts: Promise<{ url: string; raw: number; gzip: number }>[] = [];
	page.on('response', (res) => {
		if (res.request().resourceType() !== 'script') return;
		scripts.push(
			res.body().then((body) => ({
				url: new URL(res.url()).pathname,
				raw: body.length,
				gzip: gzipSync(body, { level: 9 }).length
			}))
		);
	});
	await page.goto(server.url);
	await page.getByLabel('Message').waitFor();
	await page.waitForLoadState('networkidle');
	const files = await Promise.all(scripts);
	let raw = 0;
	let gzip = 0;
	for (const f of files) {
		raw += f.raw;
		gzip += f.gzip;
		console.log(
			`${(f.gzip / 1024).toFixed(1).padStart(6)} KB gz  ${(f.raw / 1024).toFixed(1).padStart(6)} KB  ${f.url}`
		);
	}
	console.log(
		`${(gzip / 1024).toFixed(1).padStart(6)} KB gz  ${(raw / 1024).toFixed(1).padStart(6)} KB  total (${files.length} files)`
	);
} finally {
	await browser.close();
	await server.dispose();
}
