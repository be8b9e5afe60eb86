import type { Database, Statement } from 'better-sqlite3';
import type { WireMessage } from '$lib/protocol/events';
import type { Bus } from '../realtime/bus';

/** A committed message as the services know it. */
export interface StoredMessage {
	id: number;
	roomId: number | null;
	room: string | null;
	senderId: number;
	senderName: string;
	/** The sender's @username; null for guests. */
	senderUsername: string | null;
	senderIsAdmin: boolean;
	recipientId: number | null;
	recipientName: string | null;
	kind: 'text' | 'image';
	body: string;
	clientId: string | null;
	createdAt: number;
}

export interface Draft {
	roomId: number | null;
	room: string | null;
	senderId: number;
	senderName: string;
	senderUsername: string | null;
	senderIsAdmin: boolean;
	recipientId: number | null;
	recipientName: string | null;
	kind: 'text' | 'image';
	body: string;
	clientId: string | null;
}

export interface SubmitResult {
	message: StoredMessage;
	/** True when this client_id was used before: nothing new was stored or published. */
	duplicate: boolean;
}

interface Pending {
	draft: Draft;
	/** performance.now() when the frame arrived, for the send-latency metrics. */
	receivedAt: number;
	resolve: (result: SubmitResult) => void;
	reject: (err: unknown) => void;
}

interface Row {
	id: number;
	room_id: number | null;
	room: string | null;
	sender_id: number;
	sender_name: string;
	sender_username: string | null;
	sender_is_admin: number | null;
	recipient_id: number | null;
	recipient_name: string | null;
	kind: 'text' | 'image';
	body: string;
	client_id: string | null;
	created_at: number;
}

const MAX_BATCH = 1000;

/**
 * Joins that give every row its room name, the sender's username and current role, and the
 * recipient's current name. The sender's name is the one it had when sending: a rename does
 * not relabel what was said under the old name (the @username says who it was).
 */
const SELECT = `SELECT m.id, m.room_id, r.name AS room, m.sender_id, m.sender_name,
	su.username AS sender_username, su.role = 'admin' AS sender_is_admin,
	m.recipient_id, ru.name AS recipient_name,
	m.kind, m.body, m.client_id, m.created_at
	FROM messages m
	LEFT JOIN rooms r ON r.id = m.room_id
	LEFT JOIN users su ON su.id = m.sender_id
	LEFT JOIN users ru ON ru.id = m.recipient_id`;

export function conversationKey(a: number, b: number): string {
	return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/**
 * Stores messages with group commit: drafts submitted in one event-loop turn are written
 * in one transaction on the next, then published in id order. A submit resolves only
 * after its row is committed, so the echo that follows is a true acknowledgement.
 */
export class MessageStore {
	private queue: Pending[] = [];
	private scheduled = false;
	private readonly insert: Statement;
	private readonly byClientId: Statement;
	private readonly byId: Statement;
	private readonly maxId: Statement;
	private lastId: number;
	/** Observers of commit batches (metrics). */
	onCommit: ((count: number, seconds: number) => void) | null = null;
	/** Observes each new message's received → committed → fanned-out times (performance.now()). */
	onPublished: ((receivedAt: number, committedAt: number, fannedOutAt: number) => void) | null =
		null;

	constructor(
		private readonly sqlite: Database,
		private readonly bus: Bus,
		private readonly now: () => number = () => Math.floor(Date.now() / 1000)
	) {
		this.insert = sqlite.prepare(
			`INSERT INTO messages (room_id, sender_id, sender_name, recipient_id, conversation, kind, body, client_id, created_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (sender_id, client_id) DO NOTHING RETURNING id`
		);
		this.byClientId = sqlite.prepare(`${SELECT} WHERE m.sender_id = ? AND m.client_id = ?`);
		this.byId = sqlite.prepare(`${SELECT} WHERE m.id = ?`);
		this.maxId = sqlite.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM messages').pluck();
		this.lastId = this.maxId.get() as number;
	}

	/** The highest id committed so far. */
	get lastCommittedId(): number {
		return this.lastId;
	}

	/** Queues a draft; `receivedAt` is when its frame arrived (defaults to now). */
	submit(draft: Draft, receivedAt = performance.now()): Promise<SubmitResult> {
		return new Promise((resolve, reject) => {
			this.queue.push({ draft, receivedAt, resolve, reject });
			if (!this.scheduled) {
				this.scheduled = true;
				setImmediate(() => this.flush());
			}
		});
	}

	/** Resolves once everything queued so far is committed (graceful shutdown). A flush is
	 * synchronous, so an empty queue means nothing is in flight. */
	async drain(): Promise<void> {
		while (this.queue.length > 0) {
			if (this.queue.length > 0 && !this.scheduled) this.flush();
			await new Promise((r) => setImmediate(r));
		}
	}

	get(id: number): StoredMessage | undefined {
		const row = this.byId.get(id) as Row | undefined;
		return row && fromRow(row);
	}

	private flush(): void {
		this.scheduled = false;
		const batch = this.queue.splice(0, MAX_BATCH);
		if (this.queue.length > 0) {
			this.scheduled = true;
			setImmediate(() => this.flush());
		}
		if (batch.length === 0) return;
		const started = performance.now();
		let results: SubmitResult[];
		try {
			results = this.sqlite.transaction(() => batch.map((p) => this.store(p.draft)))();
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

	private store(d: Draft): SubmitResult {
		const createdAt = this.now();
		const conversation = d.recipientId === null ? null : conversationKey(d.senderId, d.recipientId);
		const inserted = this.insert.get(
			d.roomId,
			d.senderId,
			d.senderName,
			d.recipientId,
			conversation,
			d.kind,
			d.body,
			d.clientId,
			createdAt
		) as { id: number } | undefined;
		if (inserted) {
			return { message: { ...d, id: inserted.id, createdAt }, duplicate: false };
		}
		const original = this.byClientId.get(d.senderId, d.clientId) as Row;
		return { message: fromRow(original), duplicate: true };
	}

	/** Newest `limit` messages of a room before `before`, oldest first. */
	roomPage(roomId: number, before: number | undefined, limit: number) {
		const rows = this.sqlite
			.prepare(`${SELECT} WHERE m.room_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`)
			.all(roomId, before ?? Number.MAX_SAFE_INTEGER, limit + 1) as Row[];
		return page(rows, limit);
	}

	/** Newest `limit` messages between two users before `before`, oldest first. */
	conversationPage(a: number, b: number, before: number | undefined, limit: number) {
		const rows = this.sqlite
			.prepare(`${SELECT} WHERE m.conversation = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`)
			.all(conversationKey(a, b), before ?? Number.MAX_SAFE_INTEGER, limit + 1) as Row[];
		return page(rows, limit);
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
		const roomList = roomIds.length ? roomIds.map(Number).join(',') : 'NULL';
		const rows = this.sqlite
			.prepare(
				`${SELECT} WHERE m.id > ? AND m.id <= ? AND (m.room_id IN (${roomList}) OR m.sender_id = ? OR m.recipient_id = ?)
				 ORDER BY m.id DESC LIMIT ?`
			)
			.all(afterId, upToId, userId, userId, limit + 1) as Row[];
		const truncated = rows.length > limit;
		return { messages: rows.slice(0, limit).reverse().map(fromRow), truncated };
	}
}

function page(rows: Row[], limit: number) {
	const has_more = rows.length > limit;
	return { messages: rows.slice(0, limit).reverse().map(fromRow), has_more };
}

function fromRow(r: Row): StoredMessage {
	return {
		id: r.id,
		roomId: r.room_id,
		room: r.room,
		senderId: r.sender_id,
		senderName: r.sender_name,
		senderUsername: r.sender_username,
		senderIsAdmin: r.sender_is_admin === 1,
		recipientId: r.recipient_id,
		recipientName: r.recipient_name,
		kind: r.kind,
		body: r.body,
		clientId: r.client_id,
		createdAt: r.created_at
	};
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
