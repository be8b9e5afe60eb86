/** An account as the people directory lists it. */
export interface DirectoryRecord {
	id: number;
	username: string;
	name: string;
	role: 'user' | 'admin';
	/** The profile (docs/protocol.md, "Profiles (issue 15)"). */
	avatar: string | null;
	status: string;
	time_zone: string;
}

/** The people directory: accounts that are not banned. */
export interface DirectoryRepository {
	/**
	 * Accounts whose username or display name contains `q` (literally: no wildcards), the
	 * ids in `online` first, then by display name (ignoring case) and id; `limit` from `offset`.
	 */
	search(query: {
		q: string;
		online: number[];
		limit: number;
		offset: number;
	}): Promise<DirectoryRecord[]>;
	byId(id: number): Promise<DirectoryRecord | undefined>;
}
