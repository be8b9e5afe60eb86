import { ServiceError } from '../errors';
import type { Bus } from '../realtime/bus';
import type {
	ChangeOp,
	ChangeResult,
	InsertResult,
	MessageRecord,
	MessagesRepository,
	NewMessage,
	WriteOp,
	WriteResult
} from '../storage/messages';

/** A committed message as the services know it. */
export type StoredMessage = MessageRecord;

export type Draft = NewMessage;

export type SubmitResult = InsertResult;

interface Pending {
	/**
	 * A new message or a change, or its promise while the checks that read storage (membership,
	 * the message's author…) are still running.
	 */
	op: WriteOp | Promise<WriteOp>;
	/** performance.now() when the frame arrived, for the send-latency metrics. */
	receivedAt: number;
	resolve: (result: WriteResult) => void;
	reject: (err: unknown) => void;
}

const MAX_BATCH = 1000;

/** Who watches the write queue (the metrics). */
export interface StoreObserver {
	/** A batch committed: how many entries, in how many seconds. */
	committed?(count: number, seconds: number): void;
	/** A batch's transaction failed (nothing of it committed). */
	failed?(err: unknown): void;
	/** A new message's received → committed → fanned-out times (performance.now()). */
	published?(receivedAt: number, committedAt: number, fannedOutAt: number): void;
}

/**
 * The writer of the message log, with group commit: new messages and changes (edits,
 * deletions, reactions) submitted in one event-loop turn are written in one transaction on
 * the next, each taking the next seq, then published in seq order. A submit resolves only
 * after its row is committed, so the echo that follows is a true acknowledgement.
 */
export class MessageStore {
	private queue: Pending[] = [];
	/**
	 * `idle`: nothing queued; `soon`: a flush is set for the next turn (what is submitted in
	 * this turn goes with it); `busy`: a batch is committing. Batches commit one at a time, so
	 * ids follow commit order; whatever is submitted meanwhile waits in the queue and goes as
	 * one batch when the one in flight ends.
	 */
	private state: 'idle' | 'soon' | 'busy' = 'idle';
	/** The batch in flight, settled once the flush after it has run (drain waits on it). */
	private inFlight: Promise<void> = Promise.resolve();
	private lastId = 0;
	constructor(
		private readonly messages: MessagesRepository,
		private readonly bus: Bus,
		private readonly observer: StoreObserver = {},
		private readonly now: () => number = () => Math.floor(Date.now() / 1000)
	) {}

	/** Loads the highest committed seq (start-up). */
	async init(): Promise<void> {
		this.lastId = await this.messages.maxSeq();
	}

	/**
	 * The highest seq committed so far, of a message or a change (in memory: read
	 * synchronously right after subscribing; `resume` replays up to it).
	 */
	get lastCommittedId(): number {
		return this.lastId;
	}

	/**
	 * Queues a draft; `receivedAt` is when its frame arrived (defaults to now). The draft may
	 * be a promise (checks that read storage): its place in the queue, and so its id order
	 * among one sender's messages, is taken now, in the order the frames arrived.
	 */
	submit(draft: Draft | Promise<Draft>, receivedAt = performance.now()): Promise<SubmitResult> {
		const op = draft instanceof Promise ? draft.then((d) => ({ create: d })) : { create: draft };
		return this.enqueue(op, receivedAt) as Promise<SubmitResult>;
	}

	/** Queues a change to a message; resolves with the committed change or a refusal. */
	change(op: ChangeOp | Promise<ChangeOp>, receivedAt = performance.now()): Promise<ChangeResult> {
		const entry = op instanceof Promise ? op.then((c) => ({ change: c })) : { change: op };
		return this.enqueue(entry, receivedAt) as Promise<ChangeResult>;
	}

	private enqueue(op: WriteOp | Promise<WriteOp>, receivedAt: number): Promise<WriteResult> {
		// A failed check is answered at the flush; until then it is not an unhandled rejection.
		if (op instanceof Promise) op.catch(() => {});
		return new Promise((resolve, reject) => {
			this.queue.push({ op, receivedAt, resolve, reject });
			if (this.state !== 'idle') return;
			this.state = 'soon';
			setImmediate(() => this.flush());
		});
	}

	/** Resolves once everything queued so far is committed (graceful shutdown). */
	async drain(): Promise<void> {
		while (this.state !== 'idle')
			await (this.state === 'busy' ? this.inFlight : new Promise((r) => setImmediate(r)));
	}

	get(id: number): Promise<StoredMessage | undefined> {
		return this.messages.byId(id);
	}

	/**
	 * Commits what is queued, up to MAX_BATCH, then the next batch as soon as it ends (not a
	 * turn later: what waited for it has waited long enough). So the batch grows with the
	 * database's latency — one transaction per commit time, not one per event-loop turn queued
	 * behind each other (PostgreSQL under load took longer per transaction than a turn, and the
	 * queue of small batches never caught up).
	 */
	private flush(): void {
		if (this.queue.length === 0) {
			this.state = 'idle';
			return;
		}
		this.state = 'busy';
		const batch = this.queue.splice(0, MAX_BATCH);
		this.inFlight = this.commit(batch)
			.catch((err) => this.broke(batch, err))
			.then(() => this.flush());
	}

	/**
	 * A commit that threw after its transaction (a bus listener failed while publishing): the
	 * senders not yet answered hear an internal error (answering twice does nothing), and the
	 * queue goes on — a store that stopped here would never acknowledge anything again.
	 */
	private broke(batch: Pending[], err: unknown): void {
		this.observer.failed?.(err);
		for (const p of batch) p.reject(err);
	}

	private async commit(queued: Pending[]): Promise<void> {
		// Drafts whose checks failed are answered with that error and leave the batch.
		const batch: Pending[] = [];
		const ops: WriteOp[] = [];
		for (const p of queued) {
			let op = p.op;
			if (op instanceof Promise) {
				try {
					op = await op;
				} catch (err) {
					p.reject(err);
					continue;
				}
			}
			batch.push(p);
			ops.push(op);
		}
		if (batch.length === 0) return;
		const started = performance.now();
		let results: WriteResult[];
		try {
			results = await this.messages.writeBatch(ops, this.now());
		} catch (err) {
			// The transaction did not commit (the database unreachable, or failing): nothing of
			// the batch is acknowledged, each sender hears `unavailable` and may send again.
			this.observer.failed?.(err);
			const refusal = new ServiceError(
				'unavailable',
				'The message could not be stored; try again',
				503
			);
			for (const p of batch) p.reject(refusal);
			return;
		}
		// One clock read per batch and one per published message: the fan-out is synchronous,
		// so the time after publish() is when every recipient's socket has the frame.
		const committedAt = performance.now();
		this.observer.committed?.(batch.length, (committedAt - started) / 1000);
		for (let i = 0; i < batch.length; i++) {
			const result = results[i];
			if ('message' in result && !result.duplicate) {
				this.lastId = result.message.id;
				this.bus.publish({ kind: 'message', message: result.message });
				this.observer.published?.(batch[i].receivedAt, committedAt, performance.now());
			} else if ('change' in result) {
				this.lastId = result.change.seq;
				this.bus.publish({ kind: 'change', change: result.change });
			}
			batch[i].resolve(result);
		}
	}

	/** Newest `limit` messages of a room before `before`, oldest first. */
	roomPage(roomId: number, before: number | undefined, limit: number) {
		return this.messages.roomPage(roomId, before, limit);
	}

	/** Newest `limit` messages between two users before `before`, oldest first. */
	conversationPage(a: number, b: number, before: number | undefined, limit: number) {
		return this.messages.conversationPage(a, b, before, limit);
	}

	/** Oldest `limit` messages of a room after `after`, oldest first; `has_more`: newer exist. */
	roomPageAfter(roomId: number, after: number, limit: number) {
		return this.messages.roomPageAfter(roomId, after, limit);
	}

	/** Oldest `limit` messages between two users after `after`; `has_more`: newer exist. */
	conversationPageAfter(a: number, b: number, after: number, limit: number) {
		return this.messages.conversationPageAfter(a, b, after, limit);
	}

	/** A thread's replies before `before`, oldest first. */
	threadPage(rootId: number, before: number | undefined, limit: number) {
		return this.messages.threadPage(rootId, before, limit);
	}

	/**
	 * The log a user may see with afterSeq < seq <= upToSeq, in seq order (messages in their
	 * current state, and changes). At most `limit`, the newest, and whether more were cut.
	 */
	logBetween(userId: number, roomIds: number[], afterSeq: number, upToSeq: number, limit: number) {
		return this.messages.logBetween({ userId, roomIds, afterSeq, upToSeq, limit });
	}
}
