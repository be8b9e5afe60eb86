import type {
	InsertOutcome,
	InsertPolicy,
	NewAccount,
	UserRecord,
	UsersRepository
} from '../users';
import type { Query, Sql } from './client';

/** A `users` row as the queries here return it. */
export interface UserRow {
	id: number;
	username: string;
	name: string;
	password_hash: string;
	role: 'user' | 'admin';
	created_at: number;
	banned_at: number | null;
	must_change_password: boolean;
	ban_reason: string | null;
}

export function toUserRecord(r: UserRow): UserRecord {
	return {
		id: r.id,
		username: r.username,
		name: r.name,
		passwordHash: r.password_hash,
		role: r.role,
		createdAt: r.created_at,
		bannedAt: r.banned_at,
		mustChangePassword: r.must_change_password,
		banReason: r.ban_reason
	};
}

/** The advisory lock that makes "is the table empty?" and the insert one step. */
const FIRST_ACCOUNT_LOCK = 0x75736572; // "user"

/** A unique index refused the row. */
export function isUniqueViolation(err: unknown): boolean {
	return (err as { code?: string }).code === '23505';
}

function userById(q: Query, id: number) {
	return q<
		UserRow[]
	>`SELECT id, username, name, password_hash, role, created_at, banned_at, ban_reason,
		       must_change_password
		FROM users WHERE id = ${id}`;
}

export class PostgresUsers implements UsersRepository {
	constructor(private readonly sql: Sql) {}

	async count(): Promise<number> {
		const [row] = await this.sql<{ n: number }[]>`SELECT COUNT(*) AS n FROM users`;
		return row.n;
	}

	async byId(id: number): Promise<UserRecord | undefined> {
		const [row] = await userById(this.sql, id);
		return row && toUserRecord(row);
	}

	async byUsername(username: string): Promise<UserRecord | undefined> {
		// users_username_lower is an index on lower(username): this is its lookup.
		const [row] = await this.sql<UserRow[]>`
			SELECT id, username, name, password_hash, role, created_at, banned_at, ban_reason,
		       must_change_password
			FROM users WHERE lower(username) = lower(${username})`;
		return row && toUserRecord(row);
	}

	async skeletonTaken(skeleton: string, exceptId?: number): Promise<boolean> {
		const rows =
			exceptId === undefined
				? await this.sql`SELECT 1 FROM users
					WHERE username_skeleton = ${skeleton} OR name_skeleton = ${skeleton} LIMIT 1`
				: await this.sql`SELECT 1 FROM users
					WHERE (name_skeleton = ${skeleton} OR username_skeleton = ${skeleton})
					  AND id <> ${exceptId} LIMIT 1`;
		return rows.length > 0;
	}

	async insert(account: NewAccount, policy: InsertPolicy): Promise<InsertOutcome> {
		try {
			const rows = await this.sql.begin(async (tx) => {
				// Under READ COMMITTED two registrations would both see an empty table: the
				// ones that may become the first account queue on a transaction lock.
				if (policy !== 'user') await tx`SELECT pg_advisory_xact_lock(${FIRST_ACCOUNT_LOCK})`;
				return tx<{ id: number; role: 'user' | 'admin' }[]>`
					INSERT INTO users (username, name, password_hash, role, username_skeleton, name_skeleton)
					SELECT ${account.username}, ${account.name}, ${account.passwordHash},
					       CASE WHEN ${policy !== 'user'} AND NOT EXISTS (SELECT 1 FROM users)
					            THEN 'admin' ELSE 'user' END,
					       ${account.usernameSkeleton}, ${account.nameSkeleton}
					WHERE ${policy !== 'first-only'} OR NOT EXISTS (SELECT 1 FROM users)
					RETURNING id, role`;
			});
			const [row] = rows as { id: number; role: 'user' | 'admin' }[];
			return row ? { ok: true, id: row.id, role: row.role } : { ok: false, reason: 'not_first' };
		} catch (err) {
			// Two registrations raced past the service's check; the unique index decides.
			if (isUniqueViolation(err)) return { ok: false, reason: 'taken' };
			throw err;
		}
	}

	async setBan(id: number, bannedAt: number | null, reason: string | null): Promise<void> {
		await this
			.sql`UPDATE users SET banned_at = ${bannedAt}, ban_reason = ${reason} WHERE id = ${id}`;
	}

	async setRole(id: number, role: 'user' | 'admin'): Promise<void> {
		await this.sql`UPDATE users SET role = ${role} WHERE id = ${id}`;
	}

	async setPassword(id: number, passwordHash: string, mustChange: boolean): Promise<void> {
		await this.sql`UPDATE users SET password_hash = ${passwordHash},
			must_change_password = ${mustChange} WHERE id = ${id}`;
	}

	async demote(id: number): Promise<boolean> {
		return (await this.sql.begin(async (tx) => {
			// Locks every admin row: a concurrent demotion waits, then counts without ours.
			const admins = await tx<
				{ id: number }[]
			>`SELECT id FROM users WHERE role = 'admin' FOR UPDATE`;
			if (admins.some((a) => a.id === id) && admins.length <= 1) return false;
			await tx`UPDATE users SET role = 'user' WHERE id = ${id}`;
			return true;
		})) as boolean;
	}

	async rename(id: number, name: string, nameSkeleton: string): Promise<void> {
		await this
			.sql`UPDATE users SET name = ${name}, name_skeleton = ${nameSkeleton} WHERE id = ${id}`;
	}

	async missingSkeletons(limit: number) {
		return [
			...(await this.sql<{ id: number; username: string; name: string }[]>`
				SELECT id, username, name FROM users
				WHERE name_skeleton IS NULL OR username_skeleton IS NULL LIMIT ${limit}`)
		];
	}

	async setSkeletons(id: number, nameSkeleton: string, usernameSkeleton: string): Promise<void> {
		await this.sql`UPDATE users SET name_skeleton = ${nameSkeleton},
			username_skeleton = ${usernameSkeleton} WHERE id = ${id}`;
	}
}
