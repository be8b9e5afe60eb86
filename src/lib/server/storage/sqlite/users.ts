import type { Database, Statement } from 'better-sqlite3';
import type {
	InsertOutcome,
	InsertPolicy,
	NewAccount,
	UserRecord,
	UsersRepository
} from '../users';

/** A `users` row as SQLite returns it. */
export interface UserRow {
	id: number;
	username: string;
	name: string;
	password_hash: string;
	role: 'user' | 'admin';
	created_at: number;
	banned_at: number | null;
	must_change_password: number;
	ban_reason: string | null;
}

export const USER_COLUMNS =
	'id, username, name, password_hash, role, created_at, banned_at, ban_reason, must_change_password';

export function toUserRecord(r: UserRow): UserRecord {
	return {
		id: r.id,
		username: r.username,
		name: r.name,
		passwordHash: r.password_hash,
		role: r.role,
		createdAt: r.created_at,
		bannedAt: r.banned_at,
		mustChangePassword: r.must_change_password === 1,
		banReason: r.ban_reason
	};
}

export class SqliteUsers implements UsersRepository {
	private readonly countAll: Statement;
	private readonly byIdStmt: Statement;
	private readonly byUsernameStmt: Statement;
	private readonly lookalike: Statement;
	private readonly clash: Statement;
	private readonly insertStmt: Statement;
	private readonly ban: Statement;
	private readonly role: Statement;
	private readonly password: Statement;
	private readonly admins: Statement;
	private readonly renameStmt: Statement;
	private readonly missing: Statement;
	private readonly fill: Statement;

	constructor(private readonly sqlite: Database) {
		this.countAll = sqlite.prepare('SELECT COUNT(*) FROM users').pluck();
		this.byIdStmt = sqlite.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`);
		// users_username_nocase is an index on `username COLLATE NOCASE`: this is its lookup.
		this.byUsernameStmt = sqlite.prepare(
			`SELECT ${USER_COLUMNS} FROM users WHERE username = ? COLLATE NOCASE`
		);
		this.lookalike = sqlite.prepare(
			'SELECT 1 FROM users WHERE username_skeleton = @s OR name_skeleton = @s LIMIT 1'
		);
		this.clash = sqlite.prepare(
			'SELECT 1 FROM users WHERE (name_skeleton = @s OR username_skeleton = @s) AND id <> @id LIMIT 1'
		);
		// One INSERT … SELECT … WHERE NOT EXISTS runs under SQLite's write lock, so exactly one
		// insert finds the table empty (and becomes the admin, or is the only `first-only` one).
		this.insertStmt = sqlite.prepare(
			`INSERT INTO users (username, name, password_hash, role, username_skeleton, name_skeleton)
			 SELECT @username, @name, @passwordHash,
			        CASE WHEN @asUser = 0 AND NOT EXISTS (SELECT 1 FROM users) THEN 'admin' ELSE 'user' END,
			        @usernameSkeleton, @nameSkeleton
			 WHERE @onlyFirst = 0 OR NOT EXISTS (SELECT 1 FROM users)
			 RETURNING id, role`
		);
		this.ban = sqlite.prepare('UPDATE users SET banned_at = ?, ban_reason = ? WHERE id = ?');
		this.role = sqlite.prepare('UPDATE users SET role = ? WHERE id = ?');
		this.password = sqlite.prepare(
			'UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?'
		);
		this.admins = sqlite.prepare("SELECT COUNT(*) FROM users WHERE role = 'admin'").pluck();
		this.renameStmt = sqlite.prepare('UPDATE users SET name = ?, name_skeleton = ? WHERE id = ?');
		this.missing = sqlite.prepare(
			'SELECT id, username, name FROM users WHERE name_skeleton IS NULL OR username_skeleton IS NULL LIMIT ?'
		);
		this.fill = sqlite.prepare(
			'UPDATE users SET name_skeleton = ?, username_skeleton = ? WHERE id = ?'
		);
	}

	async count(): Promise<number> {
		return this.countAll.get() as number;
	}

	async byId(id: number): Promise<UserRecord | undefined> {
		const row = this.byIdStmt.get(id) as UserRow | undefined;
		return row && toUserRecord(row);
	}

	async byUsername(username: string): Promise<UserRecord | undefined> {
		const row = this.byUsernameStmt.get(username) as UserRow | undefined;
		return row && toUserRecord(row);
	}

	async skeletonTaken(skeleton: string, exceptId?: number): Promise<boolean> {
		return exceptId === undefined
			? !!this.lookalike.get({ s: skeleton })
			: !!this.clash.get({ s: skeleton, id: exceptId });
	}

	async insert(account: NewAccount, policy: InsertPolicy): Promise<InsertOutcome> {
		let row: { id: number; role: 'user' | 'admin' } | undefined;
		try {
			row = this.insertStmt.get({
				...account,
				asUser: policy === 'user' ? 1 : 0,
				onlyFirst: policy === 'first-only' ? 1 : 0
			}) as typeof row;
		} catch (err) {
			// Two registrations raced past the service's check; the unique index decides.
			if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
				return { ok: false, reason: 'taken' };
			throw err;
		}
		return row ? { ok: true, ...row } : { ok: false, reason: 'not_first' };
	}

	async setBan(id: number, bannedAt: number | null, reason: string | null): Promise<void> {
		this.ban.run(bannedAt, reason, id);
	}

	async setRole(id: number, role: 'user' | 'admin'): Promise<void> {
		this.role.run(role, id);
	}

	async setPassword(id: number, passwordHash: string, mustChange: boolean): Promise<void> {
		this.password.run(passwordHash, mustChange ? 1 : 0, id);
	}

	async demote(id: number): Promise<boolean> {
		return this.sqlite.transaction(() => {
			const target = this.byIdStmt.get(id) as UserRow | undefined;
			if (target?.role === 'admin' && (this.admins.get() as number) <= 1) return false;
			this.role.run('user', id);
			return true;
		})();
	}

	async rename(id: number, name: string, nameSkeleton: string): Promise<void> {
		this.renameStmt.run(name, nameSkeleton, id);
	}

	async missingSkeletons(limit: number) {
		return this.missing.all(limit) as { id: number; username: string; name: string }[];
	}

	async setSkeletons(id: number, nameSkeleton: string, usernameSkeleton: string): Promise<void> {
		this.fill.run(nameSkeleton, usernameSkeleton, id);
	}
}
