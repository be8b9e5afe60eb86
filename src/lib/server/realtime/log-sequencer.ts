import type { ChangeRecord, LogEntry, MessageRecord } from '../storage/messages';

/** The bus events that are entries of the message log (§10): they carry a seq. */
export type LogEvent =
	{ kind: 'message'; message: MessageRecord } | { kind: 'change'; change: ChangeRecord };

export function seqOf(event: LogEvent): number {
	return event.kind === 'message' ? event.message.id : event.change.seq;
}

/** The database's side of the log: how far it goes, and a window of it to fill a gap. */
export interface LogSource {
	maxSeq(): Promise<number>;
	logRange(
		afterSeq: number,
		upToSeq: number,
		limit: number
	): Promise<{ entries: LogEntry[]; lastSeq: number }>;
}

export interface SequencerOptions {
	/** How long an out-of-order event waits for the ones before it before the DB fills in. */
	gapMs: number;
	/** Events held out of order before the sequencer stops waiting and fills in at once. */
	maxPending: number;
	/** Log rows read per page when filling in. */
	fillPage: number;
}

const DEFAULTS: SequencerOptions = { gapMs: 100, maxPending: 10_000, fillPage: 500 };

/**
 * Puts the log events that arrive from other processes (through Redis, which may reorder
 * publishers and drop messages) back into seq order for this process's fan-out, exactly once
 * and without a gap. It relies on the storage's promise (docs/architecture.md, "The change
 * log"): seqs are contiguous and a seq is visible only after every lower one has committed,
 * so "the next event after N is N + 1" and, once N + k has arrived, everything up to it is in
 * the database.
 *
 * `position` is the highest seq delivered here. An event at position + 1 goes out at once and
 * releases any held behind it; a later one is held; a gap that lasts `gapMs` (a publisher died
 * between its commit and its publish, Redis dropped a message) or a hold that grows past
 * `maxPending` is filled from the database with `logRange`. `check()` (run periodically and
 * when the Redis subscription comes back) catches a lost tail, which no later event reveals.
 */
export class LogSequencer {
	private position = 0;
	private readonly held = new Map<number, LogEvent>();
	private highestHeld = 0;
	private gapTimer: NodeJS.Timeout | null = null;
	/** The fill in progress: events arriving meanwhile are held, then released in order. */
	private filling: Promise<void> | null = null;
	/** What the database had at the last `check()` beyond our position (lost-tail detection). */
	private suspect = 0;
	private readonly opts: SequencerOptions;

	constructor(
		private readonly source: LogSource,
		private readonly deliver: (event: LogEvent) => void,
		private readonly onError: (err: unknown) => void = () => {},
		opts: Partial<SequencerOptions> = {}
	) {
		this.opts = { ...DEFAULTS, ...opts };
	}

	/** Starts at the database's head: what is committed before start-up needs no fan-out. */
	async start(): Promise<void> {
		this.position = await this.source.maxSeq();
	}

	/** The highest seq delivered to this process's fan-out. */
	get delivered(): number {
		return this.position;
	}

	accept(event: LogEvent): void {
		const seq = seqOf(event);
		if (seq <= this.position) return; // delivered already (a fill got there first)
		if (seq === this.position + 1 && !this.filling) {
			this.advance(event, seq);
			this.release();
			return;
		}
		this.held.set(seq, event);
		if (seq > this.highestHeld) this.highestHeld = seq;
		if (this.held.size > this.opts.maxPending) this.fillTo(this.highestHeld);
		else this.armGapTimer();
	}

	/**
	 * Compares with the database: what it holds beyond our position at two checks in a row
	 * (a publish that was never going to arrive) is filled in. `now`: fill at once (the Redis
	 * subscription was down, so anything committed meanwhile is lost from it).
	 */
	async check(now = false): Promise<void> {
		const head = await this.source.maxSeq();
		if (head <= this.position) {
			this.suspect = 0;
			return;
		}
		if (now || (this.suspect > 0 && this.position < this.suspect)) this.fillTo(head);
		this.suspect = head;
	}

	/** Settles once any fill in progress is done (tests, shutdown). */
	async idle(): Promise<void> {
		while (this.filling) await this.filling;
	}

	stop(): void {
		this.disarmGapTimer();
	}

	/** After `gapMs` with events still held, fill up to the first of them from the database. */
	private armGapTimer(): void {
		if (this.gapTimer || this.filling || this.held.size === 0) return;
		this.gapTimer = setTimeout(() => {
			this.gapTimer = null;
			if (this.held.size > 0) this.fillTo(this.lowestHeld() - 1);
		}, this.opts.gapMs);
	}

	private disarmGapTimer(): void {
		if (this.gapTimer) clearTimeout(this.gapTimer);
		this.gapTimer = null;
	}

	private advance(event: LogEvent, seq: number): void {
		this.position = seq;
		this.deliver(event);
	}

	/** Delivers the held events that now follow the position. */
	private release(): void {
		while (this.held.size > 0) {
			const next = this.held.get(this.position + 1);
			if (!next) break;
			this.held.delete(this.position + 1);
			this.advance(next, this.position + 1);
		}
		// Anything at or below the position is stale (filled from the database meanwhile).
		for (const seq of this.held.keys()) if (seq <= this.position) this.held.delete(seq);
		if (this.held.size === 0) {
			this.highestHeld = 0;
			this.disarmGapTimer();
		}
	}

	private lowestHeld(): number {
		let low = Infinity;
		for (const seq of this.held.keys()) if (seq < low) low = seq;
		return low;
	}

	/** Reads (position, upTo] from the database and delivers it, then what was held. */
	private fillTo(upTo: number): void {
		this.disarmGapTimer();
		const previous = this.filling ?? Promise.resolve();
		const run = previous
			.then(() => this.readUpTo(upTo))
			.catch((err) => this.onError(err))
			.finally(() => {
				if (this.filling === run) this.filling = null;
				this.release();
				// Still a gap (the database was unreachable): try again after the same wait.
				this.armGapTimer();
			});
		this.filling = run;
	}

	private async readUpTo(upTo: number): Promise<void> {
		while (this.position < upTo) {
			const from = this.position;
			const { entries, lastSeq } = await this.source.logRange(from, upTo, this.opts.fillPage);
			for (const entry of entries) {
				const event: LogEvent =
					'message' in entry
						? { kind: 'message', message: entry.message }
						: { kind: 'change', change: entry.change };
				const seq = seqOf(event);
				if (seq > this.position) this.advance(event, seq);
			}
			// Rows examined but not shown (a deleted message's creation, rows retention removed)
			// are behind us too. `lastSeq` never passes the database's head, so a window the
			// database does not hold yet is not skipped: the loop stops and a later fill retries.
			if (lastSeq > this.position) this.position = Math.min(lastSeq, upTo);
			if (this.position === from) break;
		}
	}
}
