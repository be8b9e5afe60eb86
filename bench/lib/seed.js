// Direct SQLite work for the benchmark: seeding a big room and many sessions while the server
// is stopped, and counting committed messages afterwards. The column lists are read from the
// database itself (PRAGMA table_info), so the seeding follows schema changes: columns it
// knows get real values, other NOT NULL columns without a default get a neutral filler.

import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * @typedef {{ name: string, type: string, notnull: number, dflt_value: unknown, pk: number }} Column
 */

/**
 * Builds a prepared INSERT for `table` from the values we know; refuses when a column we
 * need is missing from the schema.
 * @param {import('better-sqlite3').Database} db
 * @param {string} table
 * @param {string[]} known columns we will supply, in order
 * @param {string[]} required columns that must exist
 */
function prepareInsert(db, table, known, required) {
	/** @type {Column[]} */
	const cols = /** @type {any} */ (db.prepare(`PRAGMA table_info(${table})`).all());
	if (cols.length === 0)
		throw new Error(`table ${table} does not exist (has the server migrated the database?)`);
	const names = new Set(cols.map((c) => c.name));
	const missing = required.filter((c) => !names.has(c));
	if (missing.length)
		throw new Error(
			`table ${table} lacks column(s) ${missing.join(', ')}: update bench/lib/seed.js`
		);
	const use = known.filter((c) => names.has(c));
	/** @type {string[]} */
	const fillers = [];
	for (const c of cols) {
		if (use.includes(c.name) || c.pk || !c.notnull || c.dflt_value != null) continue;
		fillers.push(c.name);
	}
	const fillValue = (/** @type {string} */ name) => {
		const type = cols.find((c) => c.name === name)?.type.toUpperCase() ?? '';
		return type.includes('INT') || type.includes('REAL') || type.includes('NUM') ? 0 : '';
	};
	const sql = `INSERT INTO ${table} (${[...use, ...fillers].join(', ')}) VALUES (${[...use, ...fillers].map(() => '?').join(', ')})`;
	const stmt = db.prepare(sql);
	const fill = fillers.map(fillValue);
	return {
		columns: use,
		fillers,
		/** @param {Record<string, unknown>} row */
		run(row) {
			return stmt.run(...use.map((c) => row[c] ?? null), ...fill);
		}
	};
}

/**
 * Inserts `count` text messages into a room, oldest first, in batches of one transaction each.
 * With `reactionEvery` N, every Nth message gets reactions (one or two emoji); with
 * `replyEvery` N, every Nth message is a reply in the thread of a message a few rows before,
 * so that history pages aggregate reactions and thread summaries as they do in real rooms.
 * @param {string} file
 * @param {{ room: string, count: number, senderId: number, senderName: string, batch?: number, reactionEvery?: number, replyEvery?: number, body?: (i: number) => string, log?: (m: string) => void }} opts
 */
export function seedRoomMessages(file, opts) {
	const db = new Database(file);
	try {
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = OFF');
		const room = /** @type {{ id: number } | undefined} */ (
			db.prepare('SELECT id FROM rooms WHERE name = ?').get(opts.room)
		);
		if (!room) throw new Error(`room ${opts.room} not found in ${file}`);
		const insert = prepareInsert(
			db,
			'messages',
			[
				'room_id',
				'sender_id',
				'sender_name',
				'recipient_id',
				'conversation',
				'kind',
				'body',
				'client_id',
				'created_at',
				'reply_to_id',
				'thread_root_id'
			],
			['room_id', 'sender_id', 'body']
		);
		const reactionEvery = opts.reactionEvery ?? 0;
		const replyEvery = opts.replyEvery ?? 0;
		const react = reactionEvery
			? prepareInsert(
					db,
					'reactions',
					['message_id', 'emoji', 'user_id', 'created_at'],
					['message_id', 'emoji', 'user_id']
				)
			: null;
		if (replyEvery && !insert.columns.includes('thread_root_id'))
			throw new Error('messages lacks thread_root_id: update bench/lib/seed.js');
		let reactions = 0;
		let replies = 0;
		/** the id of the message the next reply answers (a root a few rows back) */
		let rootId = 0;
		const batch = opts.batch ?? 50_000;
		const now = Math.floor(Date.now() / 1000);
		const t0 = performance.now();
		const filler = 'lorem ipsum dolor sit amet, consectetur adipiscing elit ';
		const tx = db.transaction((/** @type {number} */ from, /** @type {number} */ to) => {
			for (let i = from; i < to; i++) {
				const reply = replyEvery > 0 && rootId > 0 && i % replyEvery === replyEvery - 1;
				const created = now - (opts.count - i);
				const id = Number(
					insert.run({
						room_id: room.id,
						sender_id: opts.senderId,
						sender_name: opts.senderName,
						kind: 'text',
						body: opts.body ? opts.body(i) : `seed message ${i}: ${filler.slice(0, 20 + (i % 37))}`,
						created_at: created,
						reply_to_id: reply ? rootId : null,
						thread_root_id: reply ? rootId : null
					}).lastInsertRowid
				);
				if (reply) replies++;
				if (replyEvery > 0 && i % replyEvery === Math.floor(replyEvery / 2)) rootId = id;
				if (react && i % reactionEvery === 0) {
					// One emoji by the seeding user, a second one on every other such message.
					react.run({ message_id: id, emoji: '👍', user_id: opts.senderId, created_at: created });
					reactions++;
					if ((i / reactionEvery) % 2 === 1) {
						react.run({ message_id: id, emoji: '🎉', user_id: opts.senderId, created_at: created });
						reactions++;
					}
				}
			}
		});
		for (let from = 0; from < opts.count; from += batch) {
			tx(from, Math.min(opts.count, from + batch));
			if (opts.log && (from / batch) % 4 === 3)
				opts.log(`seeded ${Math.min(opts.count, from + batch).toLocaleString('en')} messages`);
		}
		const range = /** @type {{ lo: number, hi: number, n: number }} */ (
			db
				.prepare(
					'SELECT MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM messages WHERE room_id = ?'
				)
				.get(room.id)
		);
		db.pragma('wal_checkpoint(TRUNCATE)');
		return {
			room_id: room.id,
			rows: range.n,
			reactions,
			replies,
			min_id: range.lo,
			max_id: range.hi,
			seconds: Math.round((performance.now() - t0) / 100) / 10,
			filled_columns: insert.fillers
		};
	} finally {
		db.close();
	}
}

/** @param {string} token */
export function sessionIdFromToken(token) {
	return createHash('sha256').update(token).digest('hex');
}

/**
 * Whether the database stores sessions the way we assume (id = sha256(token) hex), checked
 * with a cookie the server itself issued.
 * @param {string} file @param {string} token
 */
export function sessionSchemeMatches(file, token) {
	const db = new Database(file, { readonly: true, fileMustExist: true });
	try {
		return !!db.prepare('SELECT 1 FROM sessions WHERE id = ?').get(sessionIdFromToken(token));
	} catch {
		return false;
	} finally {
		db.close();
	}
}

/**
 * Creates `count` accounts with one session each (server stopped) and returns their tokens.
 * The password hash is copied from an account the server registered, so the rows are valid.
 * @param {string} file @param {{ count: number, prefix: string, fromUserId: number, sessionDays?: number }} opts
 */
export function seedSessions(file, opts) {
	const db = new Database(file);
	try {
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = OFF');
		const template = /** @type {{ password_hash: string } | undefined} */ (
			db.prepare('SELECT password_hash FROM users WHERE id = ?').get(opts.fromUserId)
		);
		if (!template) throw new Error(`user ${opts.fromUserId} not found`);
		const users = prepareInsert(
			db,
			'users',
			['username', 'name', 'password_hash', 'role'],
			['username', 'password_hash']
		);
		const sessions = prepareInsert(
			db,
			'sessions',
			['id', 'user_id', 'expires_at'],
			['id', 'user_id', 'expires_at']
		);
		// Members of general already, as in a community that exists: a first connection would
		// otherwise announce a new member to the whole room (one member_joined per account).
		const general = /** @type {{ id: number } | undefined} */ (
			db.prepare(`SELECT id FROM rooms WHERE name = 'general'`).get()
		);
		const member = general
			? db.prepare('INSERT OR IGNORE INTO room_members (room_id, user_id) VALUES (?, ?)')
			: null;
		const expires = Math.floor(Date.now() / 1000) + (opts.sessionDays ?? 30) * 86400;
		/** @type {string[]} */
		const tokens = [];
		const t0 = performance.now();
		db.transaction(() => {
			for (let i = 0; i < opts.count; i++) {
				const username = `${opts.prefix}${i}`.slice(0, 32);
				const info = users.run({
					username,
					name: `Idle${i}`.slice(0, 20),
					password_hash: template.password_hash,
					role: 'user'
				});
				const token = base32(randomBytes(20));
				member?.run(general?.id, Number(info.lastInsertRowid));
				sessions.run({
					id: sessionIdFromToken(token),
					user_id: Number(info.lastInsertRowid),
					expires_at: expires
				});
				tokens.push(token);
			}
		})();
		return { tokens, seconds: Math.round((performance.now() - t0) / 100) / 10 };
	} finally {
		db.close();
	}
}

/**
 * Messages whose client_id starts with `prefix` (the load generator's run tag).
 * @param {string} file @param {string} prefix
 */
export function countMessagesWithClientPrefix(file, prefix) {
	const db = new Database(file, { readonly: true, fileMustExist: true });
	try {
		const row = /** @type {{ n: number }} */ (
			db
				.prepare('SELECT COUNT(*) AS n FROM messages WHERE substr(client_id, 1, ?) = ?')
				.get(prefix.length, prefix)
		);
		const total = /** @type {{ n: number }} */ (
			db.prepare('SELECT COUNT(*) AS n FROM messages').get()
		);
		return { matching: row.n, total: total.n };
	} finally {
		db.close();
	}
}

/** RFC 4648 base32, lower case, no padding (the server's token alphabet). @param {Buffer} bytes */
function base32(bytes) {
	const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
	let bits = 0;
	let value = 0;
	let out = '';
	for (const b of bytes) {
		value = ((value << 8) | b) & 0xffff;
		bits += 8;
		while (bits >= 5) {
			out += alphabet[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
	return out;
}
