import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { realtimeDevPlugin } from './src/lib/server/dev-plugin';

export default defineConfig({
	plugins: [
		// i18n: messages/*.json compile to typed functions in src/lib/paraglide (generated, ignored).
		// The locale comes from the cookie the language switch sets, else the browser's languages.
		// Not under Vitest: its file watcher keeps the test process alive; builds compile first.
		...(process.env.VITEST
			? []
			: [
					paraglideVitePlugin({
						project: './project.inlang',
						outdir: './src/lib/paraglide',
						strategy: ['cookie', 'preferredLanguage', 'baseLocale']
					})
				]),
		sveltekit(),
		realtimeDevPlugin()
	],
	resolve: {
		// markdown-it's HTML entity table is replaced by a small one: see the file's comment.
		alias: [
			{
				find: /^entities$/,
				replacement: fileURLToPath(new URL('./src/lib/client/entities-lite.ts', import.meta.url))
			}
		]
	},
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
					environment: 'node',
					// Through Vite, so the `entities` alias applies as in the browser build.
					server: { deps: { inline: ['markdown-it'] } }
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					// pg-*: PostgreSQL itself (the log under concurrent writers, the migration from
					// SQLite); they need TEST_DATABASE_URL and run in integration-pg. redis-*: the
					// state processes share through Redis; they need TEST_REDIS_URL, likewise.
					exclude: [
						'tests/integration/load-abuse.test.ts',
						'tests/integration/pg-*.test.ts',
						'tests/integration/redis-*.test.ts'
					],
					environment: 'node',
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			},
			{
				// The same files against PostgreSQL (CHAT_TEST_BACKEND=postgres, TEST_DATABASE_URL;
				// scripts/test.js sets them): each server gets its own fresh database.
				extends: true,
				test: {
					name: 'integration-pg',
					include: ['tests/integration/**/*.test.ts'],
					exclude: [
						// Measures latency on its own, as the abuse project does.
						'tests/integration/load-abuse.test.ts',
						// Backs up and restores the SQLite file (scripts/backup.js is SQLite's tool;
						// PostgreSQL has pg_dump).
						'tests/integration/ops-backup.test.ts',
						// Reads SQLite's EXPLAIN QUERY PLAN.
						'tests/integration/sqlite-query-plans.test.ts'
					],
					environment: 'node',
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			},
			{
				// Several processes on one PostgreSQL database and one Redis (PROTOCOL.md §14):
				// run by `npm test` when TEST_DATABASE_URL and TEST_REDIS_URL are set.
				extends: true,
				test: {
					name: 'cluster',
					include: ['tests/cluster/**/*.test.ts'],
					environment: 'node',
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			},
			{
				// The load-and-abuse test measures latency: it runs on its own, after the others,
				// so the other files' servers do not share the two cores with it.
				extends: true,
				test: {
					name: 'abuse',
					include: ['tests/integration/load-abuse.test.ts'],
					environment: 'node',
					testTimeout: 90_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
