import type { Logger } from '../logger';
import type { SessionStore } from './sessions';

/** Sessions deleted per statement: short enough that the write lock is never held long. */
const BATCH = 500;

/**
 * Deletes expired sessions at start and every SESSION_SWEEP_MS. Until now an expired
 * session was deleted only when its cookie came back, so sessions of people who never
 * returned stayed in the database forever (each one a hash that matched a token once).
 * Deletes in bounded batches and yields to the event loop between them, so a large
 * backlog does not stall the chat.
 */
export class SessionSweeper {
	private timer: NodeJS.Timeout | null = null;
	private stopped = false;

	constructor(
		private readonly sessions: SessionStore,
		private readonly everyMs: number,
		private readonly log: Logger
	) {}

	start(): void {
		this.timer = setInterval(() => void this.sweep(), this.everyMs);
		this.timer.unref();
		void this.sweep();
	}

	/** One full sweep, batch by batch; returns how many sessions it deleted. */
	async sweep(): Promise<number> {
		let total = 0;
		while (!this.stopped) {
			const n = await this.sessions.purgeExpired(BATCH);
			total += n;
			if (n < BATCH) break;
			await new Promise((resolve) => setImmediate(resolve));
		}
		if (total) this.log.info({ sessions: total }, 'expired sessions purged');
		return total;
	}

	/** Stops the timer; a sweep in progress ends after its current batch. */
	stop(): void {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}
}
