import type {
	InsertResult,
	LogEntry,
	MessagePage,
	MessageRecord,
	MessagesRepository,
	NewMessage,
	ThreadSummary,
	WriteOp,
	WriteResult
} from '../messages';
import { liveIdsOf, logEntries, type LogRow } from '../log-entries';
import { summaryOf, type MessageRow } from '../message-records';
import type { Sql, Tx } from './client';
import { applyChange, mention, SeqCounter } from './message-changes';
import { hydrate, selectMessages, threadsOf } from './message-rows';

/** DMs only: 'low:high' of the two user ids, so one index serves a conversation both ways. */
export function conversationKey(a: number, b: number): string {
	return a < b ? `${a}:${b}` : `${b}:${a}`;
}

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * The message log on PostgreSQL. Several processes write it at once, so a batch first locks
 * the one row of `log_head` (SELECT … FOR UPDATE): every writer of every process waits there
 * until the holder commits, then reads the head it left. Seqs are handed out under the lock
 * and the new head is written in the same transaction, so seq order is commit order and a
 * rolled-back batch gives its seqs back: no holes (docs/architecture.md, "The change log").
 */
export class PostgresMessages implements MessagesRepository {
	constructor(private readonly sql: Sql) {}

	async maxSeq(): Promise<number> {
		const [row] = await this.sql<{ seq: number }[]>`SELECT seq FROM log_head WHERE one = 1`;
		return row?.seq ?? 0;
	}

	/**
	 * One transaction per batch, in four round trips whatever its size (BEGIN; the lock with the
	 * resends; the writes with the new head; COMMIT): the messages already stored under their
	 * client_id (resends) are read in one query, and plain new messages are
	 * inserted without waiting for each answer — postgres.js pipelines them on the transaction's
	 * connection, in order (so a statement sees every one sent before it). A change or a reply,
	 * which read back what they wrote, wait for the answers to what was sent before them. One
	 * round trip per message held the log_head lock for the whole batch: under load (a connect
	 * storm on the same machine) the chat's commits fell seconds behind.
	 */
	async writeBatch(ops: readonly WriteOp[], createdAt: number): Promise<WriteResult[]> {
		return this.sql.begin(async (tx) => {
			// Sent together, in this order: the resends are read under the log_head lock, so no
			// other writer can insert these client_ids meanwhile.
			const [[head], stored] = await Promise.all([
				tx<{ seq: number }[]>`SELECT seq FROM log_head WHERE one = 1 FOR UPDATE`,
				storedByClientId(tx, ops)
			]);
			const seqs = new SeqCounter(head.seq);
			const sent = new Pipeline();
			const results: WriteResult[] = [];
			for (const op of ops) {
				if (!('create' in op)) {
					await sent.settle();
					results.push(await applyChange(tx, op.change, createdAt, seqs));
					continue;
				}
				const d = op.create;
				const key = d.clientId === null ? null : clientKey(d.senderId, d.clientId);
				const original = key === null ? undefined : stored.get(key);
				if (original) {
					results.push({ message: original, duplicate: true });
					continue;
				}
				const result = await this.store(tx, d, createdAt, seqs, sent);
				if (key !== null) stored.set(key, result.message);
				results.push(result);
			}
			if (seqs.head !== head.seq)
				sent.add(tx`UPDATE log_head SET seq = ${seqs.head} WHERE one = 1`);
			await sent.settle();
			return results;
		}) as Promise<WriteResult[]>;
	}

	/** Stores a new message; its statements go through `sent` unless it reads back (a reply). */
	private async store(
		tx: Tx,
		d: NewMessage,
		createdAt: number,
		seqs: SeqCounter,
		sent: Pipeline
	): Promise<InsertResult> {
		const dm = d.recipientId !== null;
		const id = seqs.next();
		// The log row and the message in one statement. A reply to a reply belongs to the same
		// thread: the root is the chain's first message.
		sent.add(tx`WITH logged AS (
				INSERT INTO changes (seq, kind, message_id, room_id, party_a, party_b, actor_id, actor_name, created_at)
				VALUES (${id}, 'create', ${id}, ${d.roomId}, ${dm ? d.senderId : null}, ${d.recipientId},
				        ${d.senderId}, ${d.senderName}, ${createdAt}))
			INSERT INTO messages (id, room_id, sender_id, sender_name, recipient_id, conversation, kind, body,
			  client_id, created_at, reply_to_id, thread_root_id, mentions)
			VALUES (${id}, ${d.roomId}, ${d.senderId}, ${d.senderName}, ${d.recipientId},
			  ${dm ? conversationKey(d.senderId, d.recipientId!) : null}, ${d.kind}, ${d.body},
			  ${d.clientId}, ${createdAt}, ${d.replyToId},
			  (SELECT COALESCE(thread_root_id, id) FROM messages WHERE id = ${d.replyToId}),
			  ${d.mentions.length ? JSON.stringify(d.mentions) : null})`);
		sent.add(mention(tx, id, d.mentions, d));
		if (d.uploadId) sent.add(tx`UPDATE uploads SET message_id = ${id} WHERE id = ${d.uploadId}`);
		if (d.replyToId !== null) {
			// Rare enough to read back: the parent's quote and the thread's summary now.
			await sent.settle();
			const [row] = await tx<MessageRow[]>`${selectMessages(tx)} WHERE m.id = ${id}`;
			return { message: (await hydrate(tx, [row]))[0], duplicate: false };
		}
		const { uploadId: _upload, quiet: _quiet, ...fields } = d;
		const message: MessageRecord = {
			...fields,
			id,
			createdAt,
			editedAt: null,
			reactions: [],
			replyTo: null,
			thread: null,
			replyCount: 0,
			lastReplyAt: null
		};
		return { message, duplicate: false };
	}

	async byId(id: number): Promise<MessageRecord | undefined> {
		const rows = await this.sql<MessageRow[]>`${selectMessages(this.sql)}
			WHERE m.id = ${id} AND m.deleted_at IS NULL`;
		return (await hydrate(this.sql, rows))[0];
	}

	async roomPage(roomId: number, before: number | undefined, limit: number): Promise<MessagePage> {
		const rows = await this.sql<MessageRow[]>`${selectMessages(this.sql)}
			WHERE m.room_id = ${roomId} AND m.id < ${before ?? NO_LIMIT} AND m.deleted_at IS NULL
			ORDER BY m.id DESC LIMIT ${limit + 1}`;
		return this.page(rows, limit);
	}

	async conversationPage(
		a: number,
		b: number,
		before: number | undefined,
		limit: number
	): Promise<MessagePage> {
		const rows = await this.sql<MessageRow[]>`${selectMessages(this.sql)}
			WHERE m.conversation = ${conversationKey(a, b)} AND m.id < ${before ?? NO_LIMIT}
			  AND m.deleted_at IS NULL
			ORDER BY m.id DESC LIMIT ${limit + 1}`;
		return this.page(rows, limit);
	}

	async roomPageAfter(roomId: number, after: number, limit: number): Promise<MessagePage> {
		const rows = await this.sql<MessageRow[]>`${selectMessages(this.sql)}
			WHERE m.room_id = ${roomId} AND m.id > ${after} AND m.deleted_at IS NULL
			ORDER BY m.id ASC LIMIT ${limit + 1}`;
		return this.pageAfter(rows, limit);
	}

	async conversationPageAfter(
		a: number,
		b: number,
		after: number,
		limit: number
	): Promise<MessagePage> {
		const rows = await this.sql<MessageRow[]>`${selectMessages(this.sql)}
			WHERE m.conversation = ${conversationKey(a, b)} AND m.id > ${after} AND m.deleted_at IS NULL
			ORDER BY m.id ASC LIMIT ${limit + 1}`;
		return this.pageAfter(rows, limit);
	}

	async threadPage(
		rootId: number,
		before: number | undefined,
		limit: number
	): Promise<MessagePage> {
		const rows = await this.sql<MessageRow[]>`${selectMessages(this.sql)}
			WHERE m.thread_root_id = ${rootId} AND m.id < ${before ?? NO_LIMIT} AND m.deleted_at IS NULL
			ORDER BY m.id DESC LIMIT ${limit + 1}`;
		return this.page(rows, limit);
	}

	async accountsNamed(usernames: string[]): Promise<Map<string, number>> {
		if (usernames.length === 0) return new Map();
		// users_username_lower is an index on lower(username): this is its lookup.
		const rows = await this.sql<{ name: string; id: number }[]>`
			SELECT n AS name, u.id FROM unnest(${usernames}::text[]) AS n
			JOIN users u ON lower(u.username) = lower(n)`;
		return new Map(rows.map((r) => [r.name, r.id]));
	}

	async logBetween(query: {
		userId: number;
		roomIds: number[];
		afterSeq: number;
		upToSeq: number;
		limit: number;
	}): Promise<{ entries: LogEntry[]; truncated: boolean }> {
		const { userId, roomIds, afterSeq, upToSeq, limit } = query;
		const rows = await this.sql<LogRow[]>`
			SELECT c.*, r.name AS room FROM changes c LEFT JOIN rooms r ON r.id = c.room_id
			WHERE c.seq > ${afterSeq} AND c.seq <= ${upToSeq}
			  AND (c.room_id = ANY(${roomIds}::bigint[]) OR c.party_a = ${userId} OR c.party_b = ${userId})
			ORDER BY c.seq DESC LIMIT ${limit + 1}`;
		const truncated = rows.length > limit;
		return { entries: await this.entries(rows.slice(0, limit).reverse()), truncated };
	}

	async logRange(
		afterSeq: number,
		upToSeq: number,
		limit: number
	): Promise<{ entries: LogEntry[]; lastSeq: number }> {
		if (limit < 1) return { entries: [], lastSeq: afterSeq };
		// Every seq up to the head read here is committed (seq order is commit order), so the
		// next query sees all of them that retention left.
		const head = Math.min(upToSeq, await this.maxSeq());
		const log = await this.sql<LogRow[]>`
			SELECT c.*, r.name AS room FROM changes c LEFT JOIN rooms r ON r.id = c.room_id
			WHERE c.seq > ${afterSeq} AND c.seq <= ${head} ORDER BY c.seq LIMIT ${limit}`;
		const lastSeq = log.length === limit ? log[log.length - 1].seq : Math.max(afterSeq, head);
		return { entries: await this.entries([...log]), lastSeq };
	}

	/** Log rows (seq order) as entries: messages in their current state, live changes. */
	private async entries(log: LogRow[]): Promise<LogEntry[]> {
		const deleted = log.filter((r) => r.kind === 'delete').map((r) => r.message_id);
		const [rows, roots] = await Promise.all([
			this.sql<MessageRow[]>`${selectMessages(this.sql)}
				WHERE m.id = ANY(${liveIdsOf(log)}::bigint[]) AND m.deleted_at IS NULL`,
			deleted.length
				? this.sql<{ id: number; root: number }[]>`
					SELECT id, thread_root_id AS root FROM messages
					WHERE id = ANY(${deleted}::bigint[]) AND thread_root_id IS NOT NULL`
				: []
		]);
		const current = new Map((await hydrate(this.sql, rows)).map((m) => [m.id, m]));
		const summaries = await threadsOf(this.sql, [...new Set(roots.map((r) => r.root))]);
		const threads = new Map<number, ThreadSummary>();
		for (const r of roots) threads.set(r.id, summaryOf(summaries, r.root));
		return logEntries(log, current, threads);
	}

	/** Oldest first already; `has_more`: newer messages exist (MessagesRepository.roomPageAfter). */
	private async pageAfter(rows: MessageRow[], limit: number): Promise<MessagePage> {
		const has_more = rows.length > limit;
		return { messages: await hydrate(this.sql, rows.slice(0, limit)), has_more };
	}

	private async page(rows: MessageRow[], limit: number): Promise<MessagePage> {
		const has_more = rows.length > limit;
		return { messages: await hydrate(this.sql, rows.slice(0, limit).reverse()), has_more };
	}
}

/** Statements sent and not yet answered; `settle` waits for them all (and throws the first error). */
class Pipeline {
	private pending: Promise<unknown>[] = [];

	add(statement: Promise<unknown>): void {
		// Observed at once, so an error raised before `settle` is not an unhandled rejection;
		// `settle` still throws it.
		statement.catch(() => {});
		this.pending.push(statement);
	}

	async settle(): Promise<void> {
		const pending = this.pending;
		this.pending = [];
		await Promise.all(pending);
	}
}

const clientKey = (senderId: number, clientId: string) => `${senderId}:${clientId}`;

/** The messages of a batch's resends, by sender and client_id, read in one query. */
async function storedByClientId(
	tx: Tx,
	ops: readonly WriteOp[]
): Promise<Map<string, MessageRecord>> {
	const asked = ops.flatMap((op) =>
		'create' in op && op.create.clientId !== null ? [op.create] : []
	);
	const stored = new Map<string, MessageRecord>();
	if (asked.length === 0) return stored;
	const rows = await tx<MessageRow[]>`${selectMessages(tx)}
		WHERE (m.sender_id, m.client_id) IN (
			SELECT * FROM unnest(${asked.map((d) => d.senderId)}::bigint[], ${asked.map((d) => d.clientId)}::text[]))`;
	if (rows.length === 0) return stored;
	for (const message of await hydrate(tx, rows))
		stored.set(clientKey(message.senderId, message.clientId!), message);
	return stored;
}
