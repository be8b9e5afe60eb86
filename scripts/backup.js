// Online backup of the chat database and its uploaded files while the server runs:
//   npm run backup -- FILE        (FILE relative to where you ran npm)
// Reads DATABASE_URL and UPLOAD_DIR like the server (defaults ./data/chat.db and
// ./data/uploads, relative to the project). SQLite's backup API copies a consistent snapshot
// page by page; the server keeps writing meanwhile (WAL). Then the files go to FILE.uploads/:
// every file the snapshot can name existed when it was taken, and a file is never changed
// after upload, so copying them afterwards is consistent (one deleted meanwhile is simply
// missing — its message is deleted too once the server catches up). Restore: stop the server,
// copy FILE over the database file (and delete its -wal and -shm files) and FILE.uploads/ over
// UPLOAD_DIR, start the server. See docs/operations.md.
import Database from 'better-sqlite3';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
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
const uploads = resolve(root, process.env.UPLOAD_DIR || './data/uploads');
// `npm run` changes into the project; INIT_CWD is where the command was typed.
const destination = resolve(process.env.INIT_CWD ?? process.cwd(), target);
const uploadsCopy = `${destination}.uploads`;
if (!existsSync(source)) {
	console.error(`No database at ${source} (set DATABASE_URL)`);
	process.exit(1);
}
if (existsSync(destination) && !force) {
	console.error(`${destination} exists; pass --force to overwrite it`);
	process.exit(1);
}

/** Copies the finished uploads (not tmp/, where uploads still streaming live); how many. */
function copyUploads() {
	rmSync(uploadsCopy, { recursive: true, force: true });
	if (!existsSync(uploads)) return 0;
	cpSync(uploads, uploadsCopy, {
		recursive: true,
		filter: (path) => path !== resolve(uploads, 'tmp')
	});
	return readdirSync(uploadsCopy).length;
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
	const files = copyUploads();
	console.log(
		`Backed up ${source} → ${destination}: ${totalPages} pages, ${messages} messages, ` +
			`${files} files → ${uploadsCopy}, ${Date.now() - started} ms`
	);
} catch (err) {
	console.error(`Backup failed: ${err instanceof Error ? err.message : err}`);
	process.exitCode = 1;
} finally {
	db.close();
}
