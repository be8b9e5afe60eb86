import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Where the generated migrations live. The server always runs from the project root
 * (`npm start`, `npm run dev`, the tests), so the folder is found relative to it.
 */
export const MIGRATIONS_DIR = resolve(process.cwd(), 'drizzle');

/** Opens (creating when missing) the SQLite file and brings its schema up to date. */
export function openDatabase(file: string): Db {
	if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
	const sqlite = new Database(file);
	// WAL lets readers run while the group-commit writer commits; NORMAL sync is durable
	// against process crashes (the guarantee the protocol makes) and much faster than FULL.
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('synchronous = NORMAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	const db = drizzle(sqlite, { schema }) as Db;
	migrate(db, { migrationsFolder: MIGRATIONS_DIR });
	return db;
}
