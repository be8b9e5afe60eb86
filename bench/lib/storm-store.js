// Where the storm scenarios (9 and 12) keep their community: an SQLite file (the default), or
// with `--backend postgres` a fresh PostgreSQL database and a Redis key prefix of their own, the
// server running with DATABASE_URL and REDIS_URL as several processes would. Either way the
// accounts are seeded straight into the database, members of general with a session each.

import { randomBytes } from 'node:crypto';
import { clusterServices } from './cluster.js';
import { createDatabase, dropDatabase, psql } from './postgres.js';
import { deletePrefix } from './redis.js';
import { seedAccountCookies, sqliteRows } from './seed-accounts.js';

/**
 * @typedef {{
 *   env: Record<string, string>,
 *   label: string,
 *   seed(server: { base: string, stop(): Promise<unknown> }, count: number, prefix: string):
 *     Promise<{ cookieFile: string, seed: { cookie: string, user: any } }>,
 *   dispose(): Promise<void>
 * }} StormStore
 */

/**
 * @param {import('./context.js').Bench} bench @param {string} name a label for the file or database
 * @returns {StormStore}
 */
export function stormStore(bench, name) {
	return bench.opts.backend === 'postgres' ? postgresStore(bench, name) : sqliteStore(bench, name);
}

/** @param {import('./context.js').Bench} bench @param {string} name @returns {StormStore} */
function sqliteStore(bench, name) {
	const dbFile = bench.newDbFile(name);
	return {
		env: { DATABASE_URL: dbFile },
		label: 'SQLite',
		seed: seedInto(bench, name, sqliteRows(dbFile)),
		async dispose() {}
	};
}

/** @param {import('./context.js').Bench} bench @param {string} name @returns {StormStore} */
function postgresStore(bench, name) {
	const { pgUrl, redisUrl } = clusterServices(bench.opts);
	const tag = `${name.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
	const dbName = `chat_bench_${tag}`;
	const dbUrl = createDatabase(pgUrl, dbName);
	const redisPrefix = `bench:${tag}:`;
	return {
		env: { DATABASE_URL: dbUrl, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix },
		label: 'PostgreSQL + Redis',
		seed: seedInto(bench, name, postgresRows(dbUrl)),
		async dispose() {
			dropDatabase(pgUrl, dbName);
			await deletePrefix(redisUrl, redisPrefix).catch(() => {});
		}
	};
}

/**
 * The store's `seed`: accounts with sessions through seed-accounts.js, in `rows`.
 * @param {import('./context.js').Bench} bench @param {string} name
 * @param {import('./seed-accounts.js').AccountRows} rows @returns {StormStore['seed']}
 */
function seedInto(bench, name, rows) {
	return async (server, count, prefix) => {
		const seeded = await seedAccountCookies(bench, server, { rows, count, prefix });
		if (!seeded) throw new Error(`${name}: session scheme not recognised`);
		return seeded;
	};
}

/** Session tokens are hashed with SHA-256 into sessions.id (as the server does). */
const hashOf = (/** @type {string} */ expr) => `encode(sha256(convert_to(${expr}, 'UTF8')), 'hex')`;

/**
 * The rows of a PostgreSQL database, written with psql in one transaction: tokens are
 * `<salt><i>`; the database stores their SHA-256, the cookies carry them.
 * @param {string} dbUrl @returns {import('./seed-accounts.js').AccountRows}
 */
function postgresRows(dbUrl) {
	return {
		schemeMatches(token) {
			const quoted = `'${token.replace(/'/g, "''")}'`;
			return psql(dbUrl, `SELECT count(*) FROM sessions WHERE id = ${hashOf(quoted)}`) === '1';
		},
		seed({ count, prefix, fromUserId }) {
			const salt = randomBytes(8).toString('hex');
			const expires = Math.floor(Date.now() / 1000) + 30 * 86400;
			psql(
				dbUrl,
				`BEGIN;
				 INSERT INTO users (username, name, password_hash, role)
				   SELECT left('${prefix}' || i, 32), left('Idle' || i, 20), u.password_hash, 'user'
				   FROM generate_series(0, ${count - 1}) AS i, users u WHERE u.id = ${Number(fromUserId)};
				 INSERT INTO sessions (id, user_id, expires_at, public_id)
				   SELECT ${hashOf(`'${salt}' || i`)}, u.id, ${expires}, md5(random()::text || i)
				   FROM generate_series(0, ${count - 1}) AS i
				   JOIN users u ON u.username = left('${prefix}' || i, 32);
				 INSERT INTO room_members (room_id, user_id)
				   SELECT r.id, u.id FROM rooms r, users u
				   WHERE r.name = 'general' AND u.username LIKE '${prefix}%'
				   ON CONFLICT DO NOTHING;
				 COMMIT;`
			);
			return Array.from({ length: count }, (_, i) => `${salt}${i}`);
		}
	};
}
