import type { WireMessage } from '$lib/protocol/events';
import type { Bus } from '../realtime/bus';
import type {
	InsertResult,
	MessageRecord,
	MessagesRepository,
	NewMessage
} from '../storage/messages';

/** A committed message as the services know it. */
export type StoredMessage = MessageRecord;

export type Draft = NewMessage;

export type SubmitResult = InsertResult;

interface Pending {
	/** The draft, or its promise while the sender's checks (membership…) are still running. */
	draft: Draft | Promise<Draft>;
	/** performance.now() when the frame arrived, for the send-latency metrics. */
	receivedAt: number;
	resolve: (result: SubmitResult) => void;
	reject: (err: unknown) => void;
}

const MAX_BATCH = 1000;

/**
 * Stores messages with group commit: drafts submitted in one event-loop turn are written
 * in one transaction on the next, then published in id order. A submit resolves only
 * after its row is committed, so the echo that follows is a true acknowledgement.
 */
export class MessageStore {
	private queue: Pending[] = [];
	private scheduled = false;
	/** The batch being committed: batches commit one at a time, so ids follow commit order. */
	private committing: Promise<void> = Promise.resolve();
	private lastId = 0;
	/** Observers of commit batches (metrics). */
	onCommit: ((count: number, seconds: number) => void) | null = null;
	/** Observes each new message's received → committed → fanned-out times (performance.now()). */
	onPublished: ((receivedAt: number, committedAt: number, fannedOutAt: number) => void) | null =
		null;

	constructor(
		private readonly messages: MessagesRepository,
		private readonly bus: Bus,
		private readonly now: () => number = () => Math.floor(Date.now() / 1000)
	) {}

	/** Loads the highest committed id (start-up). */
	async init(): Promise<void> {
		this.lastId = await this.messages.maxId();
	}

	/** The highest id committed so far (in memory: read synchronously right after subscribing). */
	get lastCommittedId(): number {
		return this.lastId;
	}

	/**
	 * Queues a draft; `receivedAt` is when its frame arrived (defaults to now). The draft may
	 * be a promise (checks that read storage): its place in the queue, and so its id order
	 * among one sender's messages, is taken now, in the order the frames arrived.
	 */
	submit(draft: Draft | Promise<Draft>, receivedAt = performance.now()): Promise<SubmitResult> {
		// A failed check is answered at the flush; until then it is not an unhandled rejection.
		if (draft instanceof Promise) draft.catch(() => {});
		return new Promise((resolve, reject) => {
			this.queue.push({ draft, receivedAt, resolve, reject });
			if (!this.scheduled) {
				this.scheduled = true;
				setImmediate(() => this.flush());
			}
		});
	}

	/** Resolves once everything queued so far is committed (graceful shutdown). */
	async drain(): Promise<void> {
		while (this.queue.length > 0 || this.scheduled) {
			if (!this.scheduled) this.flush();
			await new Promise((r) => setImmediate(r));
		}
		await this.committing;
	}

	get(id: number): Promise<StoredMessage | undefined> {
		return this.messages.byId(id);
	}

	private flush(): void {
		this.scheduled = false;
		const batch = this.queue.splice(0, MAX_BATCH);
		if (this.queue.length > 0) {
			this.scheduled = true;
			setImmediate(() => this.flush());
		}
		if (batch.length === 0) return;
		this.committing = this.committing.then(() => this.commit(batch));
	}

	private async commit(queued: Pending[]): Promise<void> {
		// Drafts whose checks failed are answered with that error and leave the batch.
		const batch: Pending[] = [];
		const drafts: Draft[] = [];
		for (const p of queued) {
			let draft = p.draft;
			if (draft instanceof Promise) {
				try {
					draft = await draft;
				} catch (err) {
					p.reject(err);
					continue;
				}
			}
			batch.push(p);
			drafts.push(draft);
		}
		if (batch.length === 0) return;
		const started = performance.now();
		let results: SubmitResult[];
		try {
			results = await this.messages.insertBatch(drafts, this.now());
		} catch (err) {
			for (const p of batch) p.reject(err);
			return;
		}
		// One clock read per batch and one per published message: the fan-out is synchronous,
		// so the time after publish() is when every recipient's socket has the frame.
		const committedAt = performance.now();
		this.onCommit?.(batch.length, (committedAt - started) / 1000);
		for (let i = 0; i < batch.length; i++) {
			const result = results[i];
			if (!result.duplicate) {
				this.lastId = result.message.id;
				this.bus.publish({ kind: 'message', message: result.message });
				this.onPublished?.(batch[i].receivedAt, committedAt, performance.now());
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

	/**
	 * Messages a user may see with afterId < id <= upToId, in id order: those of the given
	 * rooms and the user's DMs. Returns at most `limit`, the newest ones, and whether more were cut.
	 */
	visibleBetween(
		userId: number,
		roomIds: number[],
		afterId: number,
		upToId: number,
		limit: number
	) {
		return this.messages.visibleBetween({ userId, roomIds, afterId, upToId, limit });
	}
}

/**
 * The wire form of a message for one viewer. Room messages look the same to everyone;
 * a DM is `private_message_sent` to its sender and `private_message` to everyone else.
 */
export function toWire(m: StoredMessage, viewerId?: number): WireMessage {
	const base = {
		id: m.id,
		from_id: m.senderId,
		from_name: m.senderName,
		...(m.senderUsername !== null ? { from_username: m.senderUsername } : {}),
		...(m.senderIsAdmin ? { from_is_admin: true as const } : {}),
		content: m.kind === 'image' ? { url: m.body } : m.body,
		timestamp: m.createdAt,
		...(m.clientId !== null ? { client_id: m.clientId } : {})
	};
	if (m.room !== null) {
		return { type: m.kind === 'image' ? 'image' : 'message', room: m.room, ...base };
	}
	const sent = viewerId === m.senderId;
	return {
		type: sent ? 'private_message_sent' : 'private_message',
		to_id: m.recipientId ?? 0,
		...(sent ? { to_name: m.recipientName ?? '' } : {}),
		...base
	};
}
