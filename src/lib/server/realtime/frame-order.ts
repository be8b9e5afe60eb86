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

	/** Runs `task` now if idle, else after everything before it has settled. */
	run(task: () => Promise<void> | void): void {
		if (this.tail === null) {
			const running = task();
			if (running) this.follow(running);
			return;
		}
		this.follow(this.tail.then(task));
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
