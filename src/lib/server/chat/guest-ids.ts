import type { MetaRepository } from '../storage/meta';
import { IdBlock, type IdRange } from './id-block';

/** Guest ids start here and never collide with account ids. */
export const GUEST_ID_BASE = 1_000_000_000;
/** Ids reserved per write of the high-water mark: one small write per this many guests. */
export const BLOCK = 1000;

/** Where guests get their ids and names: this process (GuestIds) or Redis (RedisGuestIds). */
export interface GuestIdSource {
	/** Loads what it starts from (start-up). */
	init(): Promise<void>;
	/** A guest id never handed out before. */
	take(): Promise<number>;
	/** The display name a new guest starts with (`User12`). */
	nameFor(id: number): string;
}

/**
 * Hands out guest ids that are never given twice, not across restarts, crashes or
 * retention: the `meta` row `guest_id_high` stores the end of the block of ids reserved so
 * far, and is moved forward (committed) before any id of a new block is used. A restart
 * starts above it; ids reserved but unused are skipped. Messages addressed to a guest
 * therefore can never be read by a later guest that happens to get the same id.
 */
export class GuestIds implements GuestIdSource {
	/** The first id of the next block to reserve. */
	private from = GUEST_ID_BASE;
	/** Guests named so far by this process (User1, User2…). */
	private named = 0;
	private readonly ids = new IdBlock(() => this.reserve());

	constructor(private readonly meta: MetaRepository) {}

	/** Starts above every guest id reserved or seen before (start-up). */
	async init(): Promise<void> {
		const used = await this.meta.guestIdsUsedUpTo(GUEST_ID_BASE);
		this.from = Math.max(GUEST_ID_BASE, used + 1);
	}

	/** A guest id never handed out before. */
	take(): Promise<number> {
		return this.ids.take();
	}

	nameFor(): string {
		return `User${++this.named}`;
	}

	/** The next block, once the database's mark covers it. */
	private async reserve(): Promise<IdRange> {
		const first = this.from;
		const last = first + BLOCK - 1;
		await this.meta.reserveGuestIds(last);
		this.from = last + 1;
		return { first, last };
	}
}
