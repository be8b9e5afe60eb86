/** Housekeeping that works across tables. */
export interface MaintenanceRepository {
	/**
	 * Deletes at most `limit` of the oldest messages created before `cutoff` (Unix seconds),
	 * in one short transaction; resolves with how many. Retention calls it in a loop.
	 */
	deleteMessagesBefore(cutoff: number, limit: number): Promise<number>;
	/** Resolves when the database answers a trivial query (`/healthz`); rejects otherwise. */
	ping(): Promise<void>;
}
