import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/**
 * Fresh PostgreSQL databases for tests (CHAT_TEST_BACKEND=postgres): one per server or test,
 * named chat_t_<random> so that helpers and parallel test files never share one.
 */

/** The server to create test databases on, when the machine has one. */
export function testDatabaseServer(): string | undefined {
	return process.env.TEST_DATABASE_URL || undefined;
}

/** True when the integration tests run their servers on PostgreSQL. */
export function onPostgres(): boolean {
	return process.env.CHAT_TEST_BACKEND === 'postgres';
}

/** `url` with its database name replaced. */
function withDatabase(url: string, name: string): string {
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
}

async function admin<T>(url: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
	const sql = postgres(url, { max: 1, onnotice: () => {} });
	try {
		return await run(sql);
	} finally {
		await sql.end();
	}
}

export interface TestDatabase {
	name: string;
	url: string;
	/** Drops the database, closing whatever is still connected to it. */
	drop(): Promise<void>;
}

/** Creates an empty database on TEST_DATABASE_URL's server. */
export async function createTestDatabase(server = testDatabaseServer()): Promise<TestDatabase> {
	if (!server) throw new Error('TEST_DATABASE_URL is not set');
	const name = `chat_t_${randomBytes(6).toString('hex')}`;
	await admin(server, (sql) => sql.unsafe(`CREATE DATABASE ${name}`));
	return {
		name,
		url: withDatabase(server, name),
		drop: async () => {
			await admin(server, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
		}
	};
}
