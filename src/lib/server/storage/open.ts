import type { Storage } from './index';
import { openSqliteStorage } from './sqlite';

/**
 * The storage for a DATABASE_URL. Only SQLite files exist today; a PostgreSQL
 * implementation (issue 12) is chosen here by the URL's scheme (`postgres://`), behind the
 * same interfaces, and nothing else changes.
 */
export function openStorage(databaseUrl: string): Promise<Storage> {
	return openSqliteStorage(databaseUrl);
}
