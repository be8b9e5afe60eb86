// Moves a chat database from SQLite to PostgreSQL:
//   DATABASE_URL=postgres://… npm run migrate-to-postgres -- FILE
// FILE is the SQLite database (stop the server first, or copy a backup: npm run backup).
// The target gets the PostgreSQL migrations first (drizzle/pg), then every table is copied
// in one transaction with its ids and seqs as they were; identity sequences and log_head
// are set past the highest copied values. A target that already holds data is refused.
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
const url = process.env.DATABASE_URL ?? '';
if (!file || !/^postgres(ql)?:\/\//i.test(url)) {
	console.error('Usage: DATABASE_URL=postgres://… npm run migrate-to-postgres -- FILE');
	process.exit(2);
}
// `npm run` changes into the project; INIT_CWD is where the command was typed.
const source = resolve(process.env.INIT_CWD ?? process.cwd(), file);
if (!existsSync(source)) {
	console.error(`No SQLite database at ${source}`);
	process.exit(1);
}

/** Parents before children (foreign keys); each table's rows in insertion order. */
const TABLES = [
	['users', 'id'],
	['rooms', 'id'],
	['sessions', 'rowid'],
	['room_members', 'rowid'],
	['changes', 'seq'],
	['messages', 'id'],
	// No `pos` column on SQLite: PostgreSQL numbers the rows as they come, in rowid order.
	['reactions', 'rowid'],
	['mentions', 'rowid'],
	['read_markers', 'rowid'],
	['mutes', 'rowid'],
	['audit_log', 'id'],
	['meta', 'rowid']
];
/** Tables with an identity column, set past the highest id copied. */
const IDENTITIES = ['users', 'rooms', 'audit_log'];
/** What migration 0001 leaves in an empty database (the default rooms); anything else is data. */
const SEED_ROOMS = ['general', 'random', 'gaming'];
const CHUNK = 500;

const sqlite = new Database(source, { readonly: true, fileMustExist: true });
const pg = postgres(url, {
	max: 1,
	onnotice: () => {},
	types: { int8: { to: 20, from: [20], serialize: String, parse: Number } }
});

/** Brings the target's schema up to date, as the server does at start (same advisory lock). */
async function migrateTarget() {
	await pg`SELECT pg_advisory_lock(${0x63686174})`;
	try {
		await migrate(drizzle(pg), { migrationsFolder: join(root, 'drizzle/pg') });
	} finally {
		await pg`SELECT pg_advisory_unlock(${0x63686174})`;
	}
}

/** Why the target is not empty, or null. */
async function occupied(tx) {
	for (const [table] of TABLES) {
		if (table === 'rooms') continue;
		const [{ n }] = await tx`SELECT COUNT(*) AS n FROM ${tx(table)}`;
		if (n > 0) return `${table} has ${n} rows`;
	}
	const rooms = await tx`SELECT name, created_by FROM rooms`;
	const extra = rooms.filter((r) => !SEED_ROOMS.includes(r.name) || r.created_by !== null);
	if (extra.length) return `rooms holds ${extra.map((r) => r.name).join(', ')}`;
	const [head] = await tx`SELECT seq FROM log_head`;
	if (head.seq !== 0) return `log_head is at ${head.seq}`;
	return null;
}

/** The columns a table has on both sides (PostgreSQL's own `pos` is generated). */
async function sharedColumns(tx, table) {
	const target = await tx`SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ${table} AND is_generated = 'NEVER'
		  AND identity_generation IS DISTINCT FROM 'ALWAYS'`;
	const info = /** @type {{ name: string }[]} */ (
		sqlite.prepare(`PRAGMA table_info(${table})`).all()
	);
	const here = new Set(info.map((c) => c.name));
	return target.map((c) => c.column_name).filter((c) => here.has(c));
}

async function copy(tx, table, order) {
	const columns = await sharedColumns(tx, table);
	const list = columns.map((c) => `"${c}"`).join(', ');
	const rows = sqlite.prepare(`SELECT ${list} FROM "${table}" ORDER BY ${order}`).iterate();
	let batch = [];
	let copied = 0;
	const flush = async () => {
		if (!batch.length) return;
		await tx`INSERT INTO ${tx(table)} ${tx(batch, columns)}`;
		copied += batch.length;
		batch = [];
	};
	for (const row of rows) {
		batch.push(row);
		if (batch.length >= CHUNK) await flush();
	}
	await flush();
	return copied;
}

try {
	const version = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE name = 'changes'").get();
	if (!version) {
		throw new Error(
			`${source} predates the change log: start the server once on it (it migrates), then retry`
		);
	}
	await migrateTarget();
	const counts = await pg.begin(async (tx) => {
		const why = await occupied(tx);
		if (why) throw new Error(`the target database is not empty (${why}); use a fresh one`);
		// Only the seed rooms are there: they are copied over with the file's own ids.
		await tx`DELETE FROM rooms`;
		const counts = {};
		for (const [table, order] of TABLES) counts[table] = await copy(tx, table, order);
		// The copied room_members rows went through the member-count trigger on top of the
		// copied counts: count them once, from the rows.
		await tx`UPDATE rooms SET member_count =
			(SELECT COUNT(*) FROM room_members rm WHERE rm.room_id = rooms.id)`;
		for (const table of IDENTITIES) {
			await tx`SELECT setval(pg_get_serial_sequence(${table}, 'id'),
				(SELECT COALESCE(MAX(id), 0) + 1 FROM ${tx(table)}), false)`;
		}
		// The next seq continues the file's: AUTOINCREMENT's high-water mark, even when
		// retention deleted the newest rows.
		const high = /** @type {number} */ (
			sqlite
				.prepare(
					`SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0),
				            COALESCE((SELECT MAX(seq) FROM changes), 0),
				            COALESCE((SELECT MAX(id) FROM messages), 0))`
				)
				.pluck()
				.get()
		);
		await tx`UPDATE log_head SET seq = ${high}`;
		counts.log_head = high;
		return counts;
	});
	console.log(`Copied ${source} → PostgreSQL:`);
	for (const [table, n] of Object.entries(counts)) console.log(`  ${table}: ${n}`);
} catch (err) {
	console.error(`Migration failed: ${err instanceof Error ? err.message : err}`);
	process.exitCode = 1;
} finally {
	sqlite.close();
	await pg.end();
}
