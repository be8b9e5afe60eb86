import { defineConfig } from 'drizzle-kit';

/**
 * The PostgreSQL migrations (drizzle/pg/), generated from storage/postgres/schema.ts:
 * `npx drizzle-kit generate --config drizzle.pg.config.ts`. The SQLite ones stay in drizzle/
 * (drizzle.config.ts), where existing databases know them.
 */
export default defineConfig({
	dialect: 'postgresql',
	schema: './src/lib/server/storage/postgres/schema.ts',
	out: './drizzle/pg'
});
