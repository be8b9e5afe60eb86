/**
 * Pauses and resumes reading a connection's socket (ws's `pause()`/`resume()`): the
 * backpressure that keeps frames waiting behind slow work bounded.
 */
export interface Inflow {
	pause(): void;
	resume(): void;
}

/**
 * Frames that may wait behind slow work before the socket stops being read. Past it the
 * kernel's receive buffer and then TCP's window hold the client back, so a client that
 * pipelines faster than its frames are handled (storage slow, a PostgreSQL round trip per
 * frame) cannot make the server buffer its frames without bound; the frame budget still
 * prices each one.
 */
export const MAX_WAITING_FRAMES = 32;

/**
 * A frame whose handler took longer than this (a `resume` or a page of history read from
 * SQLite within the turn) lets the event loop turn before the connection's next frame runs.
 * `ws` hands over every frame of a socket read at once, so a client that pipelined ten
 * expensive frames (all within its budget) held the loop for all ten: 300 ms on two slow
 * cores, which every other client's messages waited behind (the load-and-abuse test).
 */
export const SLOW_FRAME_MS = 15;

const NOTHING: Promise<void> = Promise.resolve();
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs one connection's frames one after another: a frame whose handler reads or writes
 * storage finishes before the next frame of that connection starts, so a client's frames
 * take effect in the order it sent them (`read` then `get_rooms` counts the read; `join_room`
 * then `message` finds the membership), as when every handler was synchronous. With
 * nothing in progress a frame runs at once, synchronously; with SQLite, handlers finish
 * within the turn, so frames rarely wait at all.
 */
export class FrameOrder {
	/** The frames in progress and waiting; null when idle. */
	private tail: Promise<void> | null = null;
	/** Frames queued behind unfinished work (not yet started). */
	private waiting = 0;
	private paused = false;

	constructor(private readonly inflow?: Inflow) {}

	/** Runs `task` now if idle, else after everything before it has settled. */
	run(task: () => Promise<void> | void): void {
		if (this.tail === null) {
			const startedAt = performance.now();
			const running = task();
			if (running) this.follow(running, () => startedAt);
			else if (performance.now() - startedAt > SLOW_FRAME_MS) this.follow(NOTHING, () => startedAt);
			return;
		}
		this.waiting++;
		if (this.waiting > MAX_WAITING_FRAMES && !this.paused && this.inflow) {
			this.paused = true;
			this.inflow.pause();
		}
		let startedAt = 0;
		this.follow(
			this.tail.then(() => {
				this.started();
				startedAt = performance.now();
				return task();
			}),
			() => startedAt
		);
	}

	private started(): void {
		this.waiting--;
		// Read again once the backlog has halved, not at every frame (no pause/resume flapping).
		if (this.paused && this.waiting <= MAX_WAITING_FRAMES / 2) {
			this.paused = false;
			this.inflow?.resume();
		}
	}

	/**
	 * The next frame waits for `work`, and for a turn of the event loop too when `work` took
	 * longer than SLOW_FRAME_MS since it started (`startedAt`).
	 */
	private follow(work: Promise<void>, startedAt: () => number): void {
		const pause = () => (performance.now() - startedAt() > SLOW_FRAME_MS ? nextTurn() : undefined);
		const tail: Promise<void> = work.then(pause, pause).then(() => this.settled(tail));
		this.tail = tail;
	}

	private settled(tail: Promise<void>): void {
		if (this.tail === tail) this.tail = null;
	}
}
