/**
 * README screenshots of the real app: starts the built server with a fresh database, fills a
 * few conversations through the protocol, and photographs the chat page in Chromium.
 * Run after `npm run build`: `npx tsx scripts/screenshots.ts`.
 */
import { chromium, type Browser } from '@playwright/test';
import { connect, register, type TestClient } from '../tests/helpers/client';
import { startServer } from '../tests/helpers/server';

const OUT = 'docs/screenshots';

/** Sends and waits for the sender's own echo, so ids follow the script's order. */
async function say(client: TestClient, msg: { content: string } & Record<string, unknown>) {
	client.send(msg);
	return client.next(
		(e) => (e.type === 'message' || e.type === 'private_message_sent') && e.content === msg.content
	);
}

async function main() {
	const server = await startServer({ RATE_LIMIT_BURST: '200' });
	let browser: Browser | null = null;
	try {
		const maya = await register(server, 'maya');
		const leo = await register(server, 'leo');
		const priya = await register(server, 'priya');
		const [m, l, p] = await Promise.all(
			[maya, leo, priya].map((u) => connect(server, { cookie: u.cookie }))
		);
		for (const [c, name] of [
			[m, 'Maya Chen'],
			[l, 'Leo Martins'],
			[p, 'Priya Nair']
		] as const) {
			c.send({ type: 'set_name', name });
			await c.next('name_changed');
		}
		m.send({ type: 'create_room', name: 'design', topic: 'Pixels, type and flows' });
		await m.next('room_joined');
		for (const c of [l, p]) {
			c.send({ type: 'join_room', room: 'design' });
			await c.next('room_joined');
		}
		const lines: [TestClient, string][] = [
			[l, 'Morning! The new onboarding build is up on staging 🎉'],
			[p, 'Nice. I ran through it on my phone, the second step feels much calmer now.'],
			[p, 'One thing: the skip link is hard to spot in dark mode.'],
			[
				m,
				'Good catch — I will bump its contrast. Notes are in https://example.com/onboarding-notes'
			],
			[l, 'Do we still want the progress dots, or is the step counter enough?'],
			[m, 'Counter is enough. Fewer things moving on screen.'],
			[p, 'Agreed. Shipping it after lunch then?'],
			[m, 'Yes, after lunch 👍']
		];
		let last = { id: 0 };
		for (const [c, text] of lines)
			last = (await say(c, { type: 'message', room: 'general', content: text })) as { id: number };
		// Leo has read Maya's last message: "Seen by 1" under it.
		l.send({ type: 'read', message_id: last.id });
		l.send({ type: 'get_receipts', message_id: last.id });
		await l.next('receipts');
		await say(l, {
			type: 'message',
			room: 'design',
			content: 'Uploaded the new icon set to the shared drive.'
		});
		await say(l, {
			type: 'private_message',
			to_id: maya.user.id,
			content: 'Got a minute for the release notes later?'
		});
		await say(m, { type: 'private_message', to_id: leo.user.id, content: 'Sure, ping me at 3.' });

		browser = await chromium.launch({
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: ['--no-sandbox', '--disable-gpu']
		});
		const shots = [
			{
				file: 'desktop-light.png',
				viewport: { width: 1280, height: 800 },
				scheme: 'light' as const
			},
			{ file: 'desktop-dark.png', viewport: { width: 1280, height: 800 }, scheme: 'dark' as const },
			{
				file: 'phone.png',
				viewport: { width: 390, height: 780 },
				scheme: 'light' as const,
				mobile: true
			}
		];
		const cookie = maya.cookie.split('=');
		for (const shot of shots) {
			const context = await browser.newContext({
				viewport: shot.viewport,
				colorScheme: shot.scheme,
				deviceScaleFactor: shot.mobile ? 2 : 1,
				isMobile: shot.mobile ?? false,
				hasTouch: shot.mobile ?? false
			});
			await context.addCookies([{ name: cookie[0], value: cookie[1], url: server.url }]);
			const page = await context.newPage();
			await page.goto(server.url);
			await page.getByText('Yes, after lunch').waitFor();
			await page.getByRole('button', { name: 'Seen by 1' }).waitFor();
			// Someone typing makes the screenshot feel alive.
			p.send({ type: 'typing', is_typing: true, room: 'general' });
			await page.getByText(/is typing/).waitFor();
			await page.screenshot({ path: `${OUT}/${shot.file}` });
			await context.close();
		}
		for (const c of [m, l, p]) c.ws.close();
	} finally {
		await browser?.close();
		await server.dispose();
	}
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
