// Accounts with sessions for the storms and the idle-memory scenario, seeded straight into the
// stopped server's SQLite file: registering thousands through the API would cost an argon2
// hash each (minutes).

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PASSWORD, sqlite } from './db.js';
import { register } from './http.js';

/**
 * Registers one account through the API (a real password hash and session scheme), stops the
 * server, seeds `count` accounts with a session each (members of general, copies of that hash)
 * and writes their session cookies to a file in the bench's temporary folder. Null when the
 * server's session scheme is not the one the seeder knows.
 * @param {import('./context.js').Bench} bench @param {{ base: string, stop(): Promise<unknown> }} server
 * @param {{ dbFile: string, count: number, prefix: string }} o
 * @returns {Promise<{ cookieFile: string, seed: { cookie: string, user: any }, seconds: number } | null>}
 */
export async function seedAccountCookies(bench, server, o) {
	const seed = await register(server.base, 'bench_seed', PASSWORD);
	const pairs = seed.cookie.split('; ').map((kv) => kv.split(/=(.*)/s, 2));
	await server.stop();
	const { sessionSchemeMatches, seedSessions } = await sqlite();
	const match = pairs.find(
		([, value]) => value && sessionSchemeMatches(o.dbFile, decodeURIComponent(value))
	);
	if (!match || !seed.user?.id) return null;
	const seeded = seedSessions(o.dbFile, {
		count: o.count,
		prefix: o.prefix,
		fromUserId: seed.user.id
	});
	const cookieFile = path.join(bench.tmp, `${o.prefix}-cookies.json`);
	writeFileSync(cookieFile, JSON.stringify(seeded.tokens.map((t) => `${match[0]}=${t}`)));
	return { cookieFile, seed, seconds: seeded.seconds };
}
