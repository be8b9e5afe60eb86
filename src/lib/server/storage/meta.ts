/** Small named counters that must survive restarts and retention. */
export interface MetaRepository {
	/**
	 * The highest guest id ever reserved or seen: the stored high-water mark, or (databases
	 * from before the mark existed) the highest id >= `base` any message mentions; 0 for none.
	 */
	guestIdsUsedUpTo(base: number): Promise<number>;
	/** Moves the stored high-water mark of guest ids forward to `upTo` (never back). */
	reserveGuestIds(upTo: number): Promise<void>;
}
