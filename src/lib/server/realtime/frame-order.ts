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
			const running = task();
			if (running) this.follow(running);
			return;
		}
		this.waiting++;
		if (this.waiting > MAX_WAITING_FRAMES && !this.paused && this.inflow) {
			this.paused = true;
			this.inflow.pause();
		}
		this.follow(
			this.tail.then(() => {
				this.started();
				return task();
			})
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

	private follow(work: Promise<void>): void {
		const tail: Promise<void> = work.then(
			() => this.settled(tail),
			() => this.settled(tail)
		);
		this.tail = tail;
	}

	private settled(tail: Promise<void>): void {
		if (this.tail === tail) this.tail = null;
	}
}
