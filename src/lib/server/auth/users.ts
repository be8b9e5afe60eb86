import type { Database, Statement } from 'better-sqlite3';
import { skeleton } from '../identity/skeleton';

/**
 * Who may be inserted, and as what:
 * - `user`: always, as a user (an admin creating an account);
 * - `open`: always; the first account on an empty database becomes the admin;
 * - `first-only`: only onto an empty database, as the admin (REGISTRATION=closed).
 */
export type InsertPolicy = 'user' | 'open' | 'first-only';

export interface NewAccount {
	username: string;
	name: string;
	passwordHash: string;
}

/**
 * Inserts accounts with the role decided by the same statement that inserts: "is the table
 * empty?" checked in one code path and the insert done after an argon2 await let three
 * registrations on an empty database all become admins. One INSERT … SELECT … WHERE NOT
 * EXISTS runs under SQLite's write lock, so exactly one insert finds the table empty.
 */
export class AccountInserts {
	private readonly insert: Statement;
	private readonly lookalike: Statement;

	constructor(sqlite: Database) {
		this.lookalike = sqlite.prepare(
			'SELECT 1 FROM users WHERE username_skeleton = @s OR name_skeleton = @s LIMIT 1'
		);
		this.insert = sqlite.prepare(
			`INSERT INTO users (username, name, password_hash, role, username_skeleton, name_skeleton)
			 SELECT @username, @name, @passwordHash,
			        CASE WHEN @asUser = 0 AND NOT EXISTS (SELECT 1 FROM users) THEN 'admin' ELSE 'user' END,
			        @usernameSkeleton, @nameSkeleton
			 WHERE @onlyFirst = 0 OR NOT EXISTS (SELECT 1 FROM users)
			 RETURNING id, role`
		);
	}

	/**
	 * True when `username` is a look-alike of an account's username or display name
	 * ("a1ice" next to "alice"): a new account starts with its username as its name, so it
	 * would otherwise pass for someone else from its first message (issue 10, item 7).
	 */
	looksTaken(username: string): boolean {
		return !!this.lookalike.get({ s: skeleton(username) });
	}

	/** The new account's id and role, or null when `first-only` found the table not empty. */
	add(account: NewAccount, policy: InsertPolicy): { id: number; role: 'user' | 'admin' } | null {
		const row = this.insert.get({
			...account,
			usernameSkeleton: skeleton(account.username),
			nameSkeleton: skeleton(account.name),
			asUser: policy === 'user' ? 1 : 0,
			onlyFirst: policy === 'first-only' ? 1 : 0
		}) as { id: number; role: 'user' | 'admin' } | undefined;
		return row ?? null;
	}
}
