/** An account as the admin panel's user list shows it (live state is added by the caller). */
export interface AccountOverview {
	id: number;
	username: string;
	name: string;
	role: 'user' | 'admin';
	created_at: number;
	banned_at: number | null;
	ban_reason: string | null;
}

/** The panel's figures that come from storage. */
export interface StoredCounts {
	messagesLastHour: number;
	accounts: number;
	admins: number;
	muted: number;
	banned: number;
}

/** Read-only views for the admin panel. */
export interface AdminOverviewRepository {
	/** Accounts whose username or name contains `q` (literally: no wildcards), by username. */
	accounts(q: string, limit: number): Promise<AccountOverview[]>;
	/** Counts at `now` (Unix seconds): messages of the last hour, mutes in force… */
	counts(now: number): Promise<StoredCounts>;
}
