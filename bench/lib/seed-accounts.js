// Accounts with sessions for the storms and the idle-memory scenario, seeded straight into the
// stopped server's database: registering thousands through the API would cost an argon2 hash
// each (minutes). One flow for both stores; each store says how it checks a session token and
// writes the rows (`sqliteRows` here, PostgreSQL's in storm-store.js).

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PASSWORD, sqlite } from './db.js';
import { register } from './http.js';

/**
 * How one store holds sessions.
 * @typedef {{
 *   schemeMatches(token: string): Promise<boolean> | boolean,
 *   seed(o: { count: number, prefix: string, fromUserId: number }): Promise<string[]> | string[]
 * }} AccountRows
 */

/**
 * Registers one account through the API (a real password hash and session scheme), stops the
 * server, seeds `count` accounts with a session each (members of general, copies of that hash)
 * and writes their session cookies to a file in the bench's temporary folder. Null when the
 * server's session scheme is not the one the seeder knows.
 * @param {import('./context.js').Bench} bench @param {{ base: string, stop(): Promise<unknown> }} server
 * @param {{ rows: AccountRows, count: number, prefix: string }} o
 * @returns {Promise<{ cookieFile: string, seed: { cookie: string, user: any }, seconds: number } | null>}
 */
export async function seedAccountCookies(bench, server, o) {
	const seed = await register(server.base, 'bench_seed', PASSWORD);
	const pairs = seed.cookie.split('; ').map((kv) => kv.split(/=(.*)/s, 2));
	await server.stop();
	let match;
	for (const pair of pairs) {
		if (!pair[1] || !(await o.rows.schemeMatches(decodeURIComponent(pair[1])))) continue;
		match = pair;
		break;
	}
	if (!match || !seed.user?.id) return null;
	const t0 = performance.now();
	const tokens = await o.rows.seed({ count: o.count, prefix: o.prefix, fromUserId: seed.user.id });
	const seconds = Math.round((performance.now() - t0) / 100) / 10;
	const cookieFile = path.join(bench.tmp, `${o.prefix}-cookies.json`);
	writeFileSync(cookieFile, JSON.stringify(tokens.map((t) => `${match[0]}=${t}`)));
	return { cookieFile, seed, seconds };
}

/**
 * The rows of an SQLite file (bench/lib/seed.js).
 * @param {string} dbFile @returns {AccountRows}
 */
export function sqliteRows(dbFile) {
	return {
		async schemeMatches(token) {
			return (await sqlite()).sessionSchemeMatches(dbFile, token);
		},
		async seed(o) {
			return (await sqlite()).seedSessions(dbFile, o).tokens;
		}
	};
}
