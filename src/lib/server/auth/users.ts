import type { Database, Statement } from 'better-sqlite3';

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

	constructor(sqlite: Database) {
		this.insert = sqlite.prepare(
			`INSERT INTO users (username, name, password_hash, role)
			 SELECT @username, @name, @passwordHash,
			        CASE WHEN @asUser = 0 AND NOT EXISTS (SELECT 1 FROM users) THEN 'admin' ELSE 'user' END
			 WHERE @onlyFirst = 0 OR NOT EXISTS (SELECT 1 FROM users)
			 RETURNING id, role`
		);
	}

	/** The new account's id and role, or null when `first-only` found the table not empty. */
	add(account: NewAccount, policy: InsertPolicy): { id: number; role: 'user' | 'admin' } | null {
		const row = this.insert.get({
			...account,
			asUser: policy === 'user' ? 1 : 0,
			onlyFirst: policy === 'first-only' ? 1 : 0
		}) as { id: number; role: 'user' | 'admin' } | undefined;
		return row ?? null;
	}
}
