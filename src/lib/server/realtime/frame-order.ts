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

type Task = () => Promise<void> | void;

/**
 * Runs one connection's frames one after another: a frame whose handler reads or writes
 * storage finishes before the next frame of that connection starts, so a client's frames
 * take effect in the order it sent them (`read` then `get_rooms` counts the read; `join_room`
 * then `message` finds the membership), as when every handler was synchronous. With
 * nothing in progress a frame runs at once, synchronously; with SQLite, handlers finish
 * within the turn, so frames rarely wait at all.
 *
 * The waiting frames are a plain list, not a chain of promises: V8 walks a pending promise
 * chain when an error is created inside it, so with thousands of frames chained every
 * `invalid_json` (a thrown SyntaxError) cost milliseconds — a flooder's backlog stalled the
 * server for seconds (the load-and-abuse test on a loaded machine).
 */
export class FrameOrder {
	/** Frames waiting their turn; made at the first frame that has to wait (most never do). */
	private waiting: Task[] | null = null;
	/** A frame is running (or the loop is turning before the next one). */
	private busy = false;
	private paused = false;

	constructor(
		/**
		 * Required: a queue that cannot pause its socket let a logged-in flooder's backlog grow
		 * without bound (the load-and-abuse test's collapse, docs/performance.md).
		 */
		private readonly inflow: Inflow,
		/** A frame that threw: reported, and the frames behind it still run. */
		private readonly onError: (err: unknown) => void = () => {}
	) {}

	/** Runs `task` now if idle, else after everything before it has settled. */
	run(task: Task): void {
		if (!this.busy) return this.drain(task);
		const waiting = (this.waiting ??= []);
		waiting.push(task);
		if (waiting.length > MAX_WAITING_FRAMES && !this.paused) {
			this.paused = true;
			this.inflow.pause();
		}
	}

	/** The next waiting frame, reading the socket again once the backlog has halved. */
	private next(): Task | undefined {
		const task = this.waiting?.shift();
		// Not at every frame: no pause/resume flapping.
		if (this.paused && (this.waiting?.length ?? 0) <= MAX_WAITING_FRAMES / 2) {
			this.paused = false;
			this.inflow.resume();
		}
		return task;
	}

	/**
	 * Runs `first`, then waiting frames, until one is asynchronous (its end runs the rest) or
	 * held the loop over SLOW_FRAME_MS (the rest run after a turn).
	 */
	private drain(first?: Task): void {
		this.busy = true;
		for (let task = first ?? this.next(); task; task = this.next()) {
			const at = performance.now();
			let running: Promise<void> | void = undefined;
			try {
				running = task();
			} catch (err) {
				this.onError(err);
			}
			if (running) {
				const turn = currentTurn();
				const next = () => this.after(at, turn);
				running.then(next, (err) => (this.onError(err), next()));
				return;
			}
			if (performance.now() - at > SLOW_FRAME_MS) return void setImmediate(() => this.drain());
		}
		this.busy = false;
	}

	/** After an asynchronous frame: the next one now, or after a turn if it never let one happen. */
	private after(at: number, turn: number): void {
		if (turns === turn && performance.now() - at > SLOW_FRAME_MS) setImmediate(() => this.drain());
		else this.drain();
	}
}
