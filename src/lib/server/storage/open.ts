import type { Storage } from './index';
import { openPostgresStorage } from './postgres';
import { openSqliteStorage } from './sqlite';

export interface StorageOptions {
	/** Connections in the pool of a networked database (DATABASE_POOL_SIZE). */
	poolSize: number;
}

/**
 * The storage for a DATABASE_URL, chosen by its scheme: `postgres://` or `postgresql://`
 * is PostgreSQL (storage/postgres/), anything else a SQLite file (storage/sqlite/). Both sit
 * behind the same interfaces, so nothing else changes.
 */
export function openStorage(
	databaseUrl: string,
	options: StorageOptions = { poolSize: 10 }
): Promise<Storage> {
	if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return openPostgresStorage(databaseUrl, options);
	return openSqliteStorage(databaseUrl);
}
