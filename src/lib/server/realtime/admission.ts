/**
 * Upgrades and connection sequences of a connect storm (docs/operations.md, "Connect and
 * restart storms"), taken a few at a time so that the chat of those already connected keeps
 * flowing between them.
 *
 * Without it, 1,000 clients connecting at once are 1,000 upgrade callbacks in one poll phase of
 * the event loop, each running its session lookup and then its connection sequence (room
 * summaries, history of general) through microtasks: the commits and fan-out of everyone
 * else's messages wait behind all of them (a p99 of seconds in the connect-storm benchmark).
 * Here at most `concurrency` run at once, and the next ones start from a `setImmediate`, so
 * every batch is followed by a turn of the event loop (timers, socket reads, commits).
 *
 * Tasks may start in groups: when some finish, the next start only once `group` slots are
 * free (or fewer wait, or none run), so the queue refills in steps rather than one task per
 * finished one (the gateway's figures and why: gateway.ts, ADMISSION_GROUP).
 *
 * When more wait than `maxWaiting`, `admit` says no at once: the gateway answers 503 before
 * any work is done, cheaper than a connection that would time out in the queue anyway, and
 * the client retries after its backoff.
 */
export class AdmissionQueue {
	/** Upgrades not started yet. */
	private readonly waiting: (() => void)[] = [];
	/** Connection sequences of sockets already upgraded: they go first (their client waits). */
	private readonly urgent: (() => void)[] = [];
	private running = 0;
	private scheduled = false;

	constructor(
		private readonly concurrency: number,
		private readonly maxWaiting: number,
		private readonly group = 1
	) {}

	get length(): number {
		return this.waiting.length + this.urgent.length;
	}

	/** False when the queue is full (refuse the connection); otherwise runs `task` in its turn. */
	admit(task: () => Promise<void>): boolean {
		if (this.waiting.length >= this.maxWaiting) return false;
		// The task reports its own failures.
		this.enqueue(this.waiting, task, () => {});
		return true;
	}

	/** Runs `task` ahead of the waiting upgrades, full queue or not (a sequence after its upgrade). */
	run(task: () => Promise<void>): Promise<void> {
		return new Promise((resolve, reject) => this.enqueue(this.urgent, task, resolve, reject));
	}

	private enqueue(
		line: (() => void)[],
		task: () => Promise<void>,
		resolve: () => void,
		reject: (err: unknown) => void = () => {}
	): void {
		line.push(() => {
			this.running++;
			task()
				.then(resolve, reject)
				.finally(() => {
					this.running--;
					this.schedule();
				});
		});
		this.schedule();
	}

	private schedule(): void {
		if (this.scheduled || this.length === 0) return;
		if (this.concurrency - this.running < Math.min(this.group, this.length)) return;
		this.scheduled = true;
		setImmediate(() => {
			this.scheduled = false;
			while (this.running < this.concurrency && this.length > 0)
				(this.urgent.shift() ?? this.waiting.shift()!)();
		});
	}
}
