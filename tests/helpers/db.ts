import Database from 'better-sqlite3';
import postgres from 'postgres';

/**
 * Direct reads and writes of a test server's database, on either backend: for verifying what
 * was stored and for states no API can produce (a ban written behind the server's back, an
 * expired session). SQL with `?` placeholders, in the dialect both backends share.
 */

/** A server (its DATABASE_URL), or a SQLite file path. */
export type DbTarget = { databaseUrl: string } | string;

function urlOf(target: DbTarget): string {
	return typeof target === 'string' ? target : target.databaseUrl;
}

export function isPostgresUrl(url: string): boolean {
	return /^postgres(ql)?:\/\//i.test(url);
}

async function onPostgres<T>(url: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
	const sql = postgres(url, {
		max: 1,
		onnotice: () => {},
		types: {
			// int8 as a number, as the server reads it.
			int8: { to: 20, from: [20], serialize: String, parse: Number }
		}
	});
	try {
		return await run(sql);
	} finally {
		await sql.end();
	}
}

/** `?` placeholders as PostgreSQL's `$1, $2…`. */
function numbered(text: string): string {
	let n = 0;
	return text.replace(/\?/g, () => `$${++n}`);
}

type Param = string | number | null;

/** The rows a query returns. */
export async function queryDb<T = Record<string, unknown>>(
	target: DbTarget,
	text: string,
	...params: Param[]
): Promise<T[]> {
	const url = urlOf(target);
	if (isPostgresUrl(url))
		return onPostgres(url, async (sql) => [...(await sql.unsafe(numbered(text), params))] as T[]);
	const db = new Database(url, { readonly: true });
	try {
		return db.prepare(text).all(...params) as T[];
	} finally {
		db.close();
	}
}

/** Runs one write (WAL on SQLite: the server sees it at once); resolves with the rows changed. */
export async function writeDb(target: DbTarget, text: string, ...params: Param[]): Promise<number> {
	const url = urlOf(target);
	if (isPostgresUrl(url))
		return onPostgres(url, async (sql) => (await sql.unsafe(numbered(text), params)).count);
	const db = new Database(url);
	try {
		db.pragma('busy_timeout = 5000');
		return db.prepare(text).run(...params).changes;
	} finally {
		db.close();
	}
}

/** Every message row: id, sender's client_id and body, by id. */
export function storedMessages(target: DbTarget) {
	return queryDb<{ id: number; client_id: string | null; body: string }>(
		target,
		'SELECT id, client_id, body FROM messages ORDER BY id'
	);
}

/** The one value of a one-row, one-column query (a COUNT(*)…), as a number. */
export async function countDb(target: DbTarget, text: string, ...params: Param[]): Promise<number> {
	const [row] = await queryDb(target, text, ...params);
	return Number(Object.values(row)[0]);
}

/** Now in Unix seconds, for rows written behind the server's back. */
export function nowSec(): number {
	return Math.floor(Date.now() / 1000);
}

/**
 * A message in #general written behind the (stopped) server's back, with the time given. On
 * PostgreSQL it takes the next seq from log_head with its 'create' row, as the server would.
 */
export async function insertMessage(
	target: DbTarget,
	senderId: number,
	body: string,
	createdAt: number
): Promise<void> {
	const general = "(SELECT id FROM rooms WHERE name = 'general')";
	if (isPostgresUrl(urlOf(target))) {
		await writeDb(
			target,
			`WITH h AS (UPDATE log_head SET seq = seq + 1 WHERE one = 1 RETURNING seq),
			 c AS (INSERT INTO changes (seq, kind, message_id, room_id, actor_id, actor_name, created_at)
			       SELECT seq, 'create', seq, ${general}, ?, 'sender', ? FROM h)
			 INSERT INTO messages (id, room_id, sender_id, sender_name, kind, body, created_at)
			 SELECT seq, ${general}, ?, 'sender', 'text', ?, ? FROM h`,
			senderId,
			createdAt,
			senderId,
			body,
			createdAt
		);
		return;
	}
	await writeDb(
		target,
		`INSERT INTO messages (room_id, sender_id, sender_name, kind, body, created_at)
		 VALUES (${general}, ?, 'sender', 'text', ?, ?)`,
		senderId,
		body,
		createdAt
	);
}
