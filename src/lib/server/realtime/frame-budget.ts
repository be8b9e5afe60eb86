import type { ClientMessageType } from '$lib/protocol/client';
import { TokenBucket } from './rate-limit';

/**
 * What each frame type costs from a connection's budget, in units of "one cheap frame".
 * The price follows the work the server does for it: a ping is a constant reply; `get_rooms`
 * and `resume` read the database across rooms; `create_room` writes and tells everyone.
 * Frames that fail before a type is known (not JSON, unknown type) cost the base unit.
 */
export const FRAME_COSTS: Record<ClientMessageType, number> = {
	ping: 1,
	typing: 1,
	read: 1,
	message: 1,
	image: 1,
	file: 2,
	private_message: 1,
	react: 1,
	edit_message: 2,
	delete_message: 2,
	get_stats: 1,
	leave_room: 2,
	kick: 2,
	mute: 2,
	unmute: 2,
	ban: 2,
	unban: 2,
	get_receipts: 5,
	auth: 5,
	get_users: 10,
	watch_presence: 10,
	get_history: 10,
	get_thread: 10,
	join_room: 10,
	invite: 10,
	update_room: 10,
	remove_member: 10,
	set_name: 10,
	set_notifications: 5,
	set_profile: 10,
	get_rooms: 20,
	resume: 20,
	create_room: 20
};

/** Every this many bytes of a frame cost one more unit (parsing is linear in size). */
const BYTES_PER_UNIT = 16 * 1024;
/**
 * Refused frames a connection may send before it is closed: a second bucket, refilled at the
 * budget's rate, so only a client that keeps sending well past its budget (a burst of this
 * many refusals, or more than twice the budget's rate for a while) is cut off.
 */
export const FLOOD_CLOSE_AFTER = 1000;
/** While refusing, at most one `rate_limited` error per this many ms is sent back. */
const ERROR_EVERY_MS = 1000;

export type BudgetVerdict =
	| { ok: true }
	/** `answer`: send an error this time (false: stay silent, one was sent recently). */
	| { ok: false; retryAfterMs: number; answer: boolean; close: boolean };

/**
 * One connection's frame budget: a token bucket charged by frame type and size. `precheck`
 * runs before a frame is even parsed, so a flood is refused at the price of a comparison;
 * `charge` takes the type's cost once the type is known. Refusals are answered at most once
 * a second, and a connection that keeps sending into an empty budget is closed (1008), so sustained
 * abuse costs the server no more than refusing it.
 */
export class FrameBudget {
	private readonly bucket: TokenBucket;
	private readonly patience: TokenBucket;
	private lastAnswerAt = -Infinity;

	constructor(
		perSecond: number,
		burst: number,
		private readonly now: () => number = () => performance.now()
	) {
		this.bucket = new TokenBucket(perSecond, burst, now);
		this.patience = new TokenBucket(perSecond, FLOOD_CLOSE_AFTER, now);
	}

	/** Before parsing: is there at least the frame's size-based cost? */
	precheck(bytes: number): BudgetVerdict {
		const base = 1 + Math.floor(bytes / BYTES_PER_UNIT);
		return this.bucket.has(base) ? { ok: true } : this.refuse(base);
	}

	/** After parsing: takes the cost of `type` (or the base unit when unknown) plus size. */
	charge(type: ClientMessageType | null, bytes: number): BudgetVerdict {
		const cost = (type ? FRAME_COSTS[type] : 1) + Math.floor(bytes / BYTES_PER_UNIT);
		if (!this.bucket.take(cost)) return this.refuse(cost);
		return { ok: true };
	}

	private refuse(cost: number): BudgetVerdict {
		const exhausted = !this.patience.take();
		const now = this.now();
		const answer = now - this.lastAnswerAt >= ERROR_EVERY_MS;
		if (answer) this.lastAnswerAt = now;
		return {
			ok: false,
			retryAfterMs: this.bucket.waitMs(cost),
			answer,
			close: exhausted
		};
	}
}
