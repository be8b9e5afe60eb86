/** An account as stored. Times are Unix seconds, as the protocol speaks them. */
export interface UserRecord {
	id: number;
	username: string;
	name: string;
	passwordHash: string;
	role: 'user' | 'admin';
	createdAt: number;
	bannedAt: number | null;
	banReason: string | null;
	/** Set by an admin's password reset: login asks for a new password before anything else. */
	mustChangePassword: boolean;
}

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
	/** The confusable skeletons (identity/skeleton.ts) of the username and the display name. */
	usernameSkeleton: string;
	nameSkeleton: string;
}

/** A new account's id and role; or why none was inserted. */
export type InsertOutcome =
	| { ok: true; id: number; role: 'user' | 'admin' }
	/** `taken`: the username exists (ignoring case); `not_first`: `first-only` found accounts. */
	| { ok: false; reason: 'taken' | 'not_first' };

/**
 * The accounts table. Every write to it goes through here (auth, names, moderation), so
 * the rules that must hold in one statement (the first admin, the last admin) live in one
 * place per implementation.
 */
export interface UsersRepository {
	count(): Promise<number>;
	byId(id: number): Promise<UserRecord | undefined>;
	/** Usernames are unique ignoring case: "Alice" and "alice" are one account. */
	byUsername(username: string): Promise<UserRecord | undefined>;
	/**
	 * True when some account's username or display name has this skeleton (other than
	 * `exceptId`'s): a look-alike of someone else.
	 */
	skeletonTaken(skeleton: string, exceptId?: number): Promise<boolean>;
	/**
	 * Inserts an account with its role decided by the same atomic step that inserts: "is
	 * the table empty?" checked apart from the insert (with an argon2 await between) let
	 * three registrations on an empty database all become admins.
	 */
	insert(account: NewAccount, policy: InsertPolicy): Promise<InsertOutcome>;
	/** Bans (`bannedAt` set) or unbans (null) an account. */
	setBan(id: number, bannedAt: number | null, reason: string | null): Promise<void>;
	setRole(id: number, role: 'user' | 'admin'): Promise<void>;
	/** A new password hash; `mustChange` marks it temporary (an admin's reset). */
	setPassword(id: number, passwordHash: string, mustChange: boolean): Promise<void>;
	/**
	 * Makes the account a user unless it is the last admin, counted and changed atomically
	 * (two admins demoting each other at once must not leave none). False when refused.
	 */
	demote(id: number): Promise<boolean>;
	/** A new display name with its skeleton. */
	rename(id: number, name: string, nameSkeleton: string): Promise<void>;
	/** Accounts without stored skeletons (rows written before the columns), at most `limit`. */
	missingSkeletons(limit: number): Promise<{ id: number; username: string; name: string }[]>;
	setSkeletons(id: number, nameSkeleton: string, usernameSkeleton: string): Promise<void>;
}
