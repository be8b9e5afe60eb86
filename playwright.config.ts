import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests drive Chromium through the real UI against the production build.
 * Playwright's own browser download is unavailable on our machines, so Debian's
 * /usr/bin/chromium is used; CHROMIUM_PATH points elsewhere (empty: Playwright's own).
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const port = Number(process.env.E2E_PORT ?? 3199);

export default defineConfig({
	testDir: 'tests/e2e',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 30_000,
	expect: { timeout: 7_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: executablePath || undefined,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-dev-shm-usage'
			]
		}
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
	globalSetup: './tests/e2e/global-setup.ts'
});
