// Online backup of the chat database while the server runs:
//   npm run backup -- FILE        (FILE relative to where you ran npm)
// Reads DATABASE_URL like the server (default ./data/chat.db, relative to the project).
// SQLite's backup API copies a consistent snapshot page by page; the server keeps writing
// meanwhile (WAL). Restore: stop the server, copy FILE over the database file (and delete
// its -wal and -shm files), start the server. See docs/operations.md.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const force = args.includes('--force');
const target = args.find((a) => !a.startsWith('--'));
if (!target) {
	console.error('Usage: npm run backup -- FILE [--force]');
	process.exit(2);
}

const source = resolve(root, process.env.DATABASE_URL || './data/chat.db');
// `npm run` changes into the project; INIT_CWD is where the command was typed.
const destination = resolve(process.env.INIT_CWD ?? process.cwd(), target);
if (!existsSync(source)) {
	console.error(`No database at ${source} (set DATABASE_URL)`);
	process.exit(1);
}
if (existsSync(destination) && !force) {
	console.error(`${destination} exists; pass --force to overwrite it`);
	process.exit(1);
}

const db = new Database(source, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
try {
	const started = Date.now();
	const { totalPages } = await db.backup(destination);
	const check = new Database(destination, { readonly: true });
	const ok = check.pragma('quick_check', { simple: true });
	const messages = check.prepare('SELECT COUNT(*) FROM messages').pluck().get();
	check.close();
	if (ok !== 'ok') throw new Error(`backup failed its integrity check: ${ok}`);
	console.log(
		`Backed up ${source} → ${destination}: ${totalPages} pages, ${messages} messages, ${Date.now() - started} ms`
	);
} catch (err) {
	console.error(`Backup failed: ${err instanceof Error ? err.message : err}`);
	process.exitCode = 1;
} finally {
	db.close();
}
