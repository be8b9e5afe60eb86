import type { UserRecord } from './users';

/** A login session: `id` is sha256(token), hex; the token itself is never stored. */
export interface SessionRecord {
	id: string;
	userId: number;
	/** Unix seconds. */
	expiresAt: number;
	/** Unix seconds; updated at most once a minute (SessionStore.validate). */
	lastSeenAt: number;
}

/** Where and what a session was started from, and last seen from (the session list). */
export interface SessionDevice {
	userAgent: string;
	address: string;
}

export interface NewSession extends SessionRecord, SessionDevice {
	/** The random id the session list names it by: never the token nor its hash. */
	publicId: string;
	createdAt: number;
}

/** One row of a user's session list. */
export type SessionListing = NewSession;

export interface SessionsRepository {
	insert(session: NewSession): Promise<void>;
	/** The session and its account, in one read (every request and upgrade asks). */
	withUser(id: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined>;
	/** When the session expires; undefined when it does not exist. */
	expiresAt(id: string): Promise<number | undefined>;
	setExpiry(id: string, expiresAt: number): Promise<void>;
	/** Stamps the last sight of sessions, with the address each came from when known. */
	touchMany(sightings: readonly Sighting[]): Promise<void>;
	/** A user's sessions not expired at `now`, most recently seen first. */
	listOf(userId: number, now: number): Promise<SessionListing[]>;
	delete(id: string): Promise<void>;
	/** Deletes the user's session with this public id; resolves with its id (undefined: none). */
	deleteByPublicId(userId: number, publicId: string): Promise<string | undefined>;
	/** Deletes every session of the user but `keepId`; resolves with the ids deleted. */
	deleteOthersOf(userId: number, keepId: string): Promise<string[]>;
	deleteAllOf(userId: number): Promise<void>;
	/** Deletes up to `limit` sessions expired at `now`; resolves with how many. */
	purgeExpired(now: number, limit: number): Promise<number>;
}

/** A sessions row as both implementations read it for the list. */
export interface SessionListingRow {
	id: string;
	user_id: number;
	expires_at: number;
	public_id: string;
	user_agent: string;
	address: string;
	created_at: number;
	last_seen_at: number;
}

export function sessionListingFromRow(r: SessionListingRow): SessionListing {
	return {
		id: r.id,
		userId: Number(r.user_id),
		expiresAt: Number(r.expires_at),
		publicId: r.public_id,
		userAgent: r.user_agent,
		address: r.address,
		createdAt: Number(r.created_at),
		lastSeenAt: Number(r.last_seen_at)
	};
}

/** A session seen at `lastSeenAt` (Unix seconds), from `address` when known. */
export interface Sighting {
	id: string;
	lastSeenAt: number;
	address: string | null;
}
