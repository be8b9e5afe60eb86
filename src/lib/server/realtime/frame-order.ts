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
 * A frame whose handler held the event loop longer than this without letting it turn (a
 * `resume` or a page of history read from SQLite within the turn) lets the loop turn before
 * the connection's next frame runs. `ws` hands over every frame of a socket read at once, so
 * a client that pipelined ten expensive frames (all within its budget) held the loop for all
 * ten: 300 ms on two slow cores, which every other client's messages waited behind (the
 * load-and-abuse test). A frame that waited for I/O (a PostgreSQL round trip) has let the
 * loop turn already and is not held up again, however long it took.
 */
export const SLOW_FRAME_MS = 15;

const NOTHING: Promise<void> = Promise.resolve();
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

let turns = 0;
let counting = false;
/**
 * A number that changes once the event loop has turned (passed its check phase) since it was
 * read: at most one setImmediate per turn, however many frames ask.
 */
function currentTurn(): number {
	if (!counting) {
		counting = true;
		setImmediate(() => {
			turns++;
			counting = false;
		});
	}
	return turns;
}

/** When a frame started: to tell whether it held the loop too long without a turn. */
interface Start {
	at: number;
	turn: number;
}

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
			const at = performance.now();
			const running = task();
			if (running) this.follow(running, { at, turn: currentTurn() });
			else if (performance.now() - at > SLOW_FRAME_MS) this.follow(NOTHING, { at, turn: turns });
			return;
		}
		this.waiting++;
		if (this.waiting > MAX_WAITING_FRAMES && !this.paused && this.inflow) {
			this.paused = true;
			this.inflow.pause();
		}
		const start: Start = { at: 0, turn: 0 };
		this.follow(
			this.tail.then(() => {
				this.started();
				start.at = performance.now();
				start.turn = currentTurn();
				return task();
			}),
			start
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
	 * The next frame waits for `work`, and for a turn of the event loop too when `work` ran
	 * longer than SLOW_FRAME_MS since it started without the loop turning meanwhile.
	 */
	private follow(work: Promise<void>, start: Start): void {
		const pause = () =>
			turns === start.turn && performance.now() - start.at > SLOW_FRAME_MS ? nextTurn() : undefined;
		const tail: Promise<void> = work.then(pause, pause).then(() => this.settled(tail));
		this.tail = tail;
	}

	private settled(tail: Promise<void>): void {
		if (this.tail === tail) this.tail = null;
	}
}
