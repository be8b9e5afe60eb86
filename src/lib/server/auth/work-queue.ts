/**
 * Runs at most `concurrency` jobs at once and lets at most `maxWaiting` more wait; past
 * that, `run` refuses at once (QueueFullError) without starting anything. Argon2 goes
 * through one of these: each hash or verification takes ~19 MiB and tens of milliseconds of
 * a CPU, so a burst of logins must wait in a short line or be turned away cheaply, not
 * start hundreds of hashes that starve the chat of CPU and memory.
 */
export class QueueFullError extends Error {
	override name = 'QueueFullError';
}

export class WorkQueue {
	private running = 0;
	private readonly waiting: (() => void)[] = [];

	constructor(
		private readonly concurrency: number,
		private readonly maxWaiting: number
	) {}

	/** Jobs running plus jobs waiting (for metrics and tests). */
	get size(): number {
		return this.running + this.waiting.length;
	}

	/** True when `run` would refuse now. */
	get full(): boolean {
		return this.running >= this.concurrency && this.waiting.length >= this.maxWaiting;
	}

	async run<T>(job: () => Promise<T>): Promise<T> {
		if (this.running >= this.concurrency) {
			if (this.waiting.length >= this.maxWaiting) throw new QueueFullError('Too busy');
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		} else {
			this.running++;
		}
		try {
			return await job();
		} finally {
			// Hand the slot straight to the next waiter (running stays the same), else free it.
			const next = this.waiting.shift();
			if (next) next();
			else this.running--;
		}
	}
}
