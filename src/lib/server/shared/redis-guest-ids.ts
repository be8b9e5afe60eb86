import { BLOCK, GUEST_ID_BASE, type GuestIdSource } from '../chat/guest-ids';
import { IdBlock, type IdRange } from '../chat/id-block';
import type { MetaRepository } from '../storage/meta';
import { LuaScript } from './lua';
import type { SharedRedis } from './redis-client';

/**
 * Ids a process takes from the shared counter at a time and hands out itself: a connect storm
 * of 5,000 guests is 50 calls to Redis, not one per guest (or per turn's guests: ~1,100 calls,
 * each a round trip the storm waits on; docs/performance.md, scenario 9). Ids of a block left
 * unused when the process stops are skipped, as with one process (guest-ids.ts).
 */
export const IDS_PER_TAKE = 100;

/**
 * INCRBY ARGV[1] (the highest of the ids taken), but only when the counter exists: a missing
 * one must first be set from the database.
 */
const TAKE = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('INCRBY', KEYS[1], ARGV[1])
`);

/**
 * Guest ids for several processes: one Redis counter, from which each process takes a block
 * at a time (INCRBY), so two processes never hand out the same id. The database's high-water mark (`meta.guest_id_high`) stays the
 * durable truth, as with one process: a process moves it forward past an id before handing
 * that id out (a block at a time), and a counter that Redis lost (restart without
 * persistence, eviction) starts again above the mark, never below an id already used.
 */
export class RedisGuestIds implements GuestIdSource {
	/** Ids up to here are covered by the database's mark (as far as this process knows). */
	private reservedUpTo = GUEST_ID_BASE - 1;
	/** Moves of the mark, one after the other. */
	private reserving: Promise<void> = Promise.resolve();
	/** This process's block of the shared counter. */
	private readonly ids = new IdBlock(() => this.takeBlock());

	constructor(
		private readonly redis: SharedRedis,
		private readonly meta: MetaRepository,
		private readonly idsPerTake = IDS_PER_TAKE
	) {}

	private get key(): string {
		return this.redis.key('guest-id');
	}

	async init(): Promise<void> {
		await this.seed();
	}

	take(): Promise<number> {
		return this.ids.take();
	}

	/** The next block of ids never handed out before, in one script call. */
	private async takeBlock(): Promise<IdRange> {
		const n = this.idsPerTake;
		for (;;) {
			const last = (await TAKE.run(this.redis.client, [this.key], [n])) as number | null;
			if (last === null) {
				await this.seed();
				continue;
			}
			if (last > this.reservedUpTo) await this.cover(last);
			return { first: last - n + 1, last };
		}
	}

	/** Counted from 1 across every process, so names are unique too (User1 is one guest). */
	nameFor(id: number): string {
		return `User${id - GUEST_ID_BASE + 1}`;
	}

	/** Creates the counter at the database's mark when it is missing (the first process, or Redis lost it). */
	private async seed(): Promise<void> {
		const used = Math.max(GUEST_ID_BASE - 1, await this.meta.guestIdsUsedUpTo(GUEST_ID_BASE));
		this.reservedUpTo = Math.max(this.reservedUpTo, used);
		await this.redis.client.set(this.key, used, 'NX');
	}

	/** Moves the database's mark to a block past `id` before `id` is used. */
	private cover(id: number): Promise<void> {
		const moved = this.reserving.then(async () => {
			if (id <= this.reservedUpTo) return;
			const upTo = id + BLOCK - 1;
			await this.meta.reserveGuestIds(upTo);
			this.reservedUpTo = upTo;
		});
		// A failed write (database down) fails this guest, not every later one.
		this.reserving = moved.catch(() => {});
		return moved;
	}
}
