import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { resolve } from 'node:path';
import postgres from 'postgres';

/** A pool, or a transaction of one (the repositories' queries run on either). */
export type Sql = postgres.Sql<Record<string, never>>;
export type Tx = postgres.TransactionSql<Record<string, never>>;
export type Query = Sql | Tx;

/** The PostgreSQL migrations, beside the SQLite ones (which stay in drizzle/). */
export const PG_MIGRATIONS_DIR = resolve(process.cwd(), 'drizzle/pg');

/**
 * Any key for pg_advisory_lock, the same in every process of the deployment: the
 * migrations run under it, so processes starting at once apply them one after the other
 * (the first applies, the rest find them applied).
 */
const MIGRATION_LOCK = 0x63686174; // "chat"

/**
 * int8 (ids, seqs, Unix seconds, COUNT(*)) read as a JS number, as SQLite gives them: every
 * value the schema holds is far below 2^53.
 */
const int8AsNumber = {
	to: 20,
	from: [20],
	serialize: (x: number | bigint | string) => String(x),
	parse: (x: string) => Number(x)
};

export interface PoolOptions {
	/** Connections in the pool (DATABASE_POOL_SIZE). */
	max: number;
}

/** A pool for the URL. Nothing is connected until the first query. */
export function openPool(url: string, options: PoolOptions): Sql {
	return postgres(url, {
		max: options.max,
		types: { int8: int8AsNumber },
		// Between a connection's failed attempts: postgres.js's default grows to 20 s after a few
		// failures (3^n / 100 s) and counts them across the pool, so a short outage with traffic
		// left every connection waiting ~10–20 s after the database was back (measured through a
		// cut proxy: 10.8 s after 12 failed queries; with this cap, 20 ms). Attempts are cheap.
		backoff: (failures: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** failures, 1),
		// NOTICEs (e.g. "schema already exists" from the migrator) are not worth a log line.
		onnotice: () => {},
		// No JIT compilation: every statement here is a short OLTP read or write, but a plan
		// estimated above jit_above_cost (PostgreSQL's default is on) is compiled on each
		// execution — 50–150 ms for the batched room lists of a connect storm, measured,
		// against 0.3 ms for the query itself (docs/performance.md, scenario 9).
		connection: { jit: 'off' }
	}) as unknown as Sql;
}

/**
 * Brings the schema up to date, on one connection of its own that holds the advisory lock
 * while Drizzle's migrator applies what is missing (each migration in its transaction).
 */
export async function migrateDatabase(url: string): Promise<void> {
	const sql = openPool(url, { max: 1 });
	try {
		await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`;
		try {
			await migrate(drizzle(sql as unknown as postgres.Sql), {
				migrationsFolder: PG_MIGRATIONS_DIR
			});
		} finally {
			await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`;
		}
	} finally {
		await sql.end();
	}
}
