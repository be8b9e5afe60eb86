// PostgreSQL for scenario 8: a fresh database per run (created and dropped with `psql`, so
// the runner needs no driver of its own), the check that the server answers, and the
// backends serving that database (sampled from /proc like the chat server).

import { spawnSync } from 'node:child_process';
import { postgresBackendPids } from './procstat.js';

/**
 * Runs one SQL statement with psql against `url`; returns its unaligned output or throws
 * with psql's own message (not installed, refused, auth…).
 * @param {string} url @param {string} sql
 */
export function psql(url, sql) {
	const r = spawnSync('psql', [url, '-X', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], {
		encoding: 'utf8',
		env: { ...process.env, PGCONNECT_TIMEOUT: '5' },
		timeout: 60_000
	});
	if (r.error)
		throw new Error(
			`psql could not run (${/** @type {NodeJS.ErrnoException} */ (r.error).code ?? r.error.message}): scenario 8 needs the PostgreSQL client`
		);
	if (r.status !== 0)
		throw new Error(`psql ${sql.slice(0, 60)}: ${(r.stderr || r.stdout).trim().slice(0, 500)}`);
	return r.stdout.trim();
}

/** Throws (with psql's reason) unless PostgreSQL answers. @param {string} adminUrl */
export function checkPostgres(adminUrl) {
	const v = psql(adminUrl, 'SHOW server_version');
	return v;
}

/** @param {string} adminUrl @param {string} name @returns {string} the URL of database `name` */
export function databaseUrl(adminUrl, name) {
	const u = new URL(adminUrl);
	u.pathname = `/${name}`;
	return u.toString();
}

/**
 * Creates database `name` (letters, digits and _ only: it is also matched in process titles).
 * @param {string} adminUrl @param {string} name @returns {string} its URL
 */
export function createDatabase(adminUrl, name) {
	if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
	psql(adminUrl, `CREATE DATABASE ${name}`);
	return databaseUrl(adminUrl, name);
}

/**
 * Drops database `name`, closing what is still connected to it (a server that was killed
 * may leave backends behind for a moment).
 * @param {string} adminUrl @param {string} name
 */
export function dropDatabase(adminUrl, name) {
	psql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/**
 * The PostgreSQL backends serving database `name` (their process title names it).
 * @param {string} name
 */
export const backendPids = (name) => postgresBackendPids([name]);
