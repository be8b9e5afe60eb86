import type { MetaRepository } from '../storage/meta';

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
	private next = GUEST_ID_BASE;
	/** Guests named so far by this process (User1, User2…). */
	private named = 0;
	private reservedUpTo = GUEST_ID_BASE - 1;
	/** The block being reserved; guests arriving meanwhile wait for it. */
	private reserving: Promise<void> | null = null;

	constructor(private readonly meta: MetaRepository) {}

	/** Starts above every guest id reserved or seen before (start-up). */
	async init(): Promise<void> {
		const used = await this.meta.guestIdsUsedUpTo(GUEST_ID_BASE);
		this.next = Math.max(GUEST_ID_BASE, used + 1);
		this.reservedUpTo = this.next - 1;
	}

	/** A guest id never handed out before. */
	async take(): Promise<number> {
		while (this.next > this.reservedUpTo) {
			this.reserving ??= this.reserve().finally(() => (this.reserving = null));
			await this.reserving;
		}
		return this.next++;
	}

	nameFor(): string {
		return `User${++this.named}`;
	}

	private async reserve(): Promise<void> {
		const upTo = this.next + BLOCK - 1;
		await this.meta.reserveGuestIds(upTo);
		this.reservedUpTo = upTo;
	}
}
