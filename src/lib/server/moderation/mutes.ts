import { formatDuration } from '$lib/format/duration';
import { ServiceError } from '../errors';
import type { Logger } from '../logger';
import type { MutesRepository } from '../storage/moderation';
import { GUEST_ID_BASE } from '../chat/guest-ids';

export interface Mute {
	/** Unix seconds. */
	until: number;
	reason: string;
}

/** Guests' mutes are not stored: they last as long as the guest. */
const isGuest = (userId: number) => userId >= GUEST_ID_BASE;

/** setTimeout cannot wait longer than this (about 24.8 days); longer mutes re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Who is muted: the `mutes` table is the truth (mutes outlive restarts), memory is the fast
 * path. The chat write path asks `assertCanSend` and the typing handler `isMuted`; both
 * answer from memory, kept in step with the table. A timer per mute notices its end and
 * reports it through `onEnded`, so the user is told without asking.
 *
 * Several processes: each keeps its own memory, in step through the `mute` bus event that
 * the moderation service publishes after every put or lift (`apply`), and `reload` re-reads
 * the table now and then in case an event was missed. When a mute runs out every process
 * notices; the one whose delete removed the row tells the user (guests, whose mutes are
 * not stored: the process they are connected to).
 */
export class MuteBook {
	/** userId → mute, loaded at start and kept in step with the table. */
	private readonly mutedUntil = new Map<number, Mute>();
	/** userId → the timer that tells the user when its mute ends. */
	private readonly timers = new Map<number, NodeJS.Timeout>();
	/** A mute ran out (by its timer, or noticed by a check): the service tells the user. */
	onEnded: (userId: number) => void = () => {};

	/** @param nowMs the clock, in milliseconds; tests inject one to pass mute expiry without waiting. */
	constructor(
		private readonly mutes: MutesRepository,
		private readonly nowMs: () => number,
		private readonly log?: Pick<Logger, 'error'>,
		/** Guests connected to this process (their mutes end here). */
		private readonly isHere: (userId: number) => boolean = () => true
	) {}

	/** Loads the mutes in force (start-up); those that ended while the server was down go. */
	async init(): Promise<void> {
		await this.mutes.deleteEnded(Math.floor(this.nowMs() / 1000));
		await this.reload();
	}

	/**
	 * Brings the accounts' mutes in step with the table (several processes: in case a `mute`
	 * event was missed). Guests' mutes are in memory only and stay.
	 */
	async reload(): Promise<void> {
		const rows = await this.mutes.all();
		const inTable = new Set(rows.map((r) => r.userId));
		for (const userId of [...this.mutedUntil.keys()])
			if (!isGuest(userId) && !inTable.has(userId)) this.remember(userId, null);
		for (const r of rows) this.apply(r.userId, { until: r.until, reason: r.reason });
	}

	/** A `mute` bus event: a put or a lift made by any process (this one included). */
	apply(userId: number, mute: Mute | null): void {
		const known = this.mutedUntil.get(userId);
		if (mute && known && known.until === mute.until && known.reason === mute.reason) return;
		if (!mute && !known) return;
		this.remember(userId, mute);
	}

	muteOf(userId: number): Mute | undefined {
		const mute = this.mutedUntil.get(userId);
		if (!mute) return undefined;
		if (mute.until * 1000 <= this.nowMs()) {
			this.expire(userId, mute); // noticed before its timer fired
			return undefined;
		}
		return mute;
	}

	isMuted(userId: number): boolean {
		return this.muteOf(userId) !== undefined;
	}

	/** Throws `muted` with the time left and the end time when the user may not send. */
	assertCanSend(userId: number): void {
		const mute = this.muteOf(userId);
		if (!mute) return;
		const left = Math.max(1, Math.ceil(mute.until - this.nowMs() / 1000));
		const until = new Date(mute.until * 1000).toISOString();
		throw new ServiceError(
			'muted',
			`You are muted for ${formatDuration(left)} more (until ${until})${mute.reason ? `: ${mute.reason}` : ''}`,
			403,
			{ retryAfterSeconds: left, params: { until: mute.until, retry_after: left } }
		);
	}

	/** Mutes a user; stored (`by`, `at`) for accounts, in memory only for guests. */
	async put(userId: number, mute: Mute, stored: { by: number; at: number } | null): Promise<void> {
		if (stored) await this.mutes.put({ userId, ...mute, ...stored });
		this.remember(userId, mute);
	}

	/** Ends a user's mute (an admin lifted it); resolves with the mute it ended, if any. */
	async lift(userId: number): Promise<Mute | undefined> {
		const had = this.muteOf(userId);
		await this.mutes.delete(userId);
		this.remember(userId, null);
		return had;
	}

	/** Keeps the in-memory view in step after the mutes table changes, and arms the end timer. */
	private remember(userId: number, mute: Mute | null): void {
		clearTimeout(this.timers.get(userId));
		this.timers.delete(userId);
		if (!mute) {
			this.mutedUntil.delete(userId);
			return;
		}
		this.mutedUntil.set(userId, mute);
		const delay = Math.min(MAX_TIMER_MS, Math.max(0, mute.until * 1000 - this.nowMs()));
		const timer = setTimeout(() => this.expire(userId, mute), delay);
		timer.unref();
		this.timers.set(userId, timer);
	}

	/**
	 * A mute's timer fired, or a check found it over: if it has really run out (by the
	 * clock), lift it and tell the user; else re-arm the timer.
	 */
	private expire(userId: number, mute: Mute): void {
		clearTimeout(this.timers.get(userId));
		this.timers.delete(userId);
		if (this.mutedUntil.get(userId) !== mute) return;
		if (mute.until * 1000 > this.nowMs()) return this.remember(userId, mute);
		this.mutedUntil.delete(userId);
		// Memory already answers "not muted"; the row goes in the background (a newer mute
		// stays), and whoever deleted it tells the user, once however many processes noticed.
		if (isGuest(userId)) {
			if (this.isHere(userId)) this.onEnded(userId);
			return;
		}
		this.mutes.deleteEndedBy(userId, mute.until).then(
			(deleted) => deleted && this.onEnded(userId),
			(err) => this.log?.error({ err, userId }, 'could not delete an ended mute')
		);
	}

	/** Stops the mute timers (tests that build a service of their own). */
	dispose(): void {
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
	}
}
