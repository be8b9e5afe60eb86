/**
 * An account's profile as stored (docs/protocol.md, "Profiles (issue 15)"): the version token
 * of its avatar (null: none), a short status text and an IANA time zone ('' = none).
 */
export interface ProfileRecord {
	id: number;
	avatar: string | null;
	status: string;
	timeZone: string;
}

/** Profile columns of the accounts table. */
export interface ProfilesRepository {
	/** The profiles of these accounts (unknown ids are left out). */
	many(ids: number[]): Promise<ProfileRecord[]>;
	/** New status and time zone; the profile now, or undefined for no such account. */
	setText(id: number, status: string, timeZone: string): Promise<ProfileRecord | undefined>;
	/**
	 * Replaces the avatar token in one step and answers the one it replaced (whose blob the
	 * caller removes), or undefined for no such account.
	 */
	swapAvatar(
		id: number,
		avatar: string | null
	): Promise<{ previous: string | null; profile: ProfileRecord } | undefined>;
}

/** A profile row as both databases return it. */
export interface ProfileRow {
	id: number | string;
	avatar: string | null;
	status: string;
	time_zone: string;
}

export function toProfileRecord(r: ProfileRow): ProfileRecord {
	return { id: Number(r.id), avatar: r.avatar, status: r.status, timeZone: r.time_zone };
}
