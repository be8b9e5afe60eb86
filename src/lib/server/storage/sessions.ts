import type { UserRecord } from './users';

/** A login session: `id` is sha256(token), hex; the token itself is never stored. */
export interface SessionRecord {
	id: string;
	userId: number;
	/** Unix seconds. */
	expiresAt: number;
}

export interface SessionsRepository {
	insert(session: SessionRecord): Promise<void>;
	/** The session and its account, in one read (every request and upgrade asks). */
	withUser(id: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined>;
	/** When the session expires; undefined when it does not exist. */
	expiresAt(id: string): Promise<number | undefined>;
	setExpiry(id: string, expiresAt: number): Promise<void>;
	delete(id: string): Promise<void>;
	deleteAllOf(userId: number): Promise<void>;
	/** Deletes up to `limit` sessions expired at `now`; resolves with how many. */
	purgeExpired(now: number, limit: number): Promise<number>;
}
