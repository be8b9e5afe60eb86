import type { Database, Statement } from 'better-sqlite3';
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
import { ChangeWriter, NEXT_SEQ } from './message-changes';
import { Hydrator, SELECT, type Row } from './message-rows';
import type { StateMemo } from './state-memo';

/** DMs only: 'low:high' of the two user ids, so one index serves a conversation both ways. */
export function conversationKey(a: number, b: number): string {
	return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/**
 * The message log on SQLite. Every write takes the next seq from the `changes` table (a new
 * message's id is the seq of its 'create' row), inside one transaction per batch, so seq
 * order is commit order (migration 0003 explains the table).
 */
export class SqliteMessages implements MessagesRepository {
	private readonly hydrator: Hydrator;
	private readonly changes: ChangeWriter;
	private readonly logCreate: Statement;
	private readonly insert: Statement;
	private readonly attachUpload: Statement;
	private readonly byClientId: Statement;
	private readonly byIdStmt: Statement;
	private readonly byIds: Statement;
	private readonly threadRoot: Statement;
	private readonly max: Statement;
	private readonly roomPageStmt: Statement;
	private readonly conversationPageStmt: Statement;
	private readonly threadPageStmt: Statement;
	private readonly roomAfterStmt: Statement;
	private readonly conversationAfterStmt: Statement;
	private readonly account: Statement;
	private readonly range: Statement;
	/** logBetween, by the number of room ids it lists (an IN list of parameters each). */
	private readonly logStatements = new Map<number, Statement>();

	constructor(
		private readonly sqlite: Database,
		private readonly memo: StateMemo
	) {
		this.hydrator = new Hydrator(sqlite);
		this.changes = new ChangeWriter(sqlite, this.hydrator);
		this.logCreate = sqlite.prepare(
			`INSERT INTO changes (seq, kind, message_id, room_id, party_a, party_b, actor_id, actor_name, created_at)
			 SELECT n, 'create', n, ?, ?, ?, ?, ?, ? FROM (SELECT ${NEXT_SEQ} AS n) RETURNING seq`
		);
		this.attachUpload = sqlite.prepare('UPDATE uploads SET message_id = ? WHERE id = ?');
		this.insert = sqlite.prepare(
			`INSERT INTO messages (id, room_id, sender_id, sender_name, recipient_id, conversation, kind, body,
			   client_id, created_at, reply_to_id, thread_root_id, mentions)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		);
		this.byClientId = sqlite.prepare(`${SELECT} WHERE m.sender_id = ? AND m.client_id = ?`);
		this.byIdStmt = sqlite.prepare(`${SELECT} WHERE m.id = ? AND m.deleted_at IS NULL`);
		this.byIds = sqlite.prepare(
			`${SELECT} WHERE m.id IN (SELECT value FROM json_each(?)) AND m.deleted_at IS NULL`
		);
		this.threadRoot = sqlite
			.prepare('SELECT COALESCE(thread_root_id, id) FROM messages WHERE id = ?')
			.pluck();
		this.max = sqlite
			.prepare(
				`SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0),
			   COALESCE((SELECT MAX(id) FROM messages), 0))`
			)
			.pluck();
		this.roomPageStmt = sqlite.prepare(
			`${SELECT} WHERE m.room_id = ? AND m.id < ? AND m.deleted_at IS NULL ORDER BY m.id DESC LIMIT ?`
		);
		this.conversationPageStmt = sqlite.prepare(
			`${SELECT} WHERE m.conversation = ? AND m.id < ? AND m.deleted_at IS NULL ORDER BY m.id DESC LIMIT ?`
		);
		// Newer pages: the same indexes ((room_id, id), (conversation, id)), read upwards.
		this.roomAfterStmt = sqlite.prepare(
			`${SELECT} WHERE m.room_id = ? AND m.id > ? AND m.deleted_at IS NULL ORDER BY m.id LIMIT ?`
		);
		this.conversationAfterStmt = sqlite.prepare(
			`${SELECT} WHERE m.conversation = ? AND m.id > ? AND m.deleted_at IS NULL ORDER BY m.id LIMIT ?`
		);
		this.threadPageStmt = sqlite.prepare(
			`${SELECT} WHERE m.thread_root_id = ? AND m.id < ? AND m.deleted_at IS NULL ORDER BY m.id DESC LIMIT ?`
		);
		// users_username_nocase is an index on `username COLLATE NOCASE`: this is its lookup.
		this.account = sqlite.prepare('SELECT id FROM users WHERE username = ? COLLATE NOCASE').pluck();
		this.range = sqlite.prepare(
			`SELECT c.*, r.name AS room FROM changes c LEFT JOIN rooms r ON r.id = c.room_id
			 WHERE c.seq > ? AND c.seq <= ? ORDER BY c.seq LIMIT ?`
		);
	}

	async maxSeq(): Promise<number> {
		return this.max.get() as number;
	}

	async writeBatch(ops: readonly WriteOp[], createdAt: number): Promise<WriteResult[]> {
		return this.sqlite.transaction(() =>
			ops.map((op) =>
				'create' in op ? this.store(op.create, createdAt) : this.changes.apply(op.change, createdAt)
			)
		)();
	}

	private store(d: NewMessage, createdAt: number): InsertResult {
		if (d.clientId !== null) {
			const original = this.byClientId.get(d.senderId, d.clientId) as Row | undefined;
			if (original) return { message: this.hydrator.records([original])[0], duplicate: true };
		}
		const dm = d.recipientId !== null;
		const { seq: id } = this.logCreate.get(
			d.roomId,
			dm ? d.senderId : null,
			d.recipientId,
			d.senderId,
			d.senderName,
			createdAt
		) as { seq: number };
		// A reply to a reply belongs to the same thread: the root is the chain's first message.
		const root = d.replyToId === null ? null : (this.threadRoot.get(d.replyToId) as number | null);
		this.insert.run(
			id,
			d.roomId,
			d.senderId,
			d.senderName,
			d.recipientId,
			dm ? conversationKey(d.senderId, d.recipientId!) : null,
			d.kind,
			d.body,
			d.clientId,
			createdAt,
			d.replyToId,
			root,
			d.mentions.length ? JSON.stringify(d.mentions) : null
		);
		this.changes.mention(id, d.mentions, d);
		if (d.uploadId) this.attachUpload.run(id, d.uploadId);
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
		if (d.replyToId !== null) {
			// Rare enough to read back: the parent's quote and the thread's summary now.
			const [stored] = this.hydrator.records([this.byIdStmt.get(id) as Row]);
			return { message: stored, duplicate: false };
		}
		return { message, duplicate: false };
	}

	async byId(id: number): Promise<MessageRecord | undefined> {
		const row = this.byIdStmt.get(id) as Row | undefined;
		return row && this.hydrator.records([row])[0];
	}

	async roomPage(roomId: number, before: number | undefined, limit: number): Promise<MessagePage> {
		const read = () =>
			this.page(this.roomPageStmt.all(roomId, before ?? Number.MAX_SAFE_INTEGER, limit + 1), limit);
		// The newest page is every welcome's and every join's: one read per database state.
		return before === undefined ? this.memo.read(`newest:${roomId}:${limit}`, read) : read();
	}

	async conversationPage(
		a: number,
		b: number,
		before: number | undefined,
		limit: number
	): Promise<MessagePage> {
		const rows = this.conversationPageStmt.all(
			conversationKey(a, b),
			before ?? Number.MAX_SAFE_INTEGER,
			limit + 1
		);
		return this.page(rows, limit);
	}

	async roomPageAfter(roomId: number, after: number, limit: number): Promise<MessagePage> {
		return this.pageAfter(this.roomAfterStmt.all(roomId, after, limit + 1), limit);
	}

	async conversationPageAfter(
		a: number,
		b: number,
		after: number,
		limit: number
	): Promise<MessagePage> {
		return this.pageAfter(
			this.conversationAfterStmt.all(conversationKey(a, b), after, limit + 1),
			limit
		);
	}

	async threadPage(
		rootId: number,
		before: number | undefined,
		limit: number
	): Promise<MessagePage> {
		return this.page(
			this.threadPageStmt.all(rootId, before ?? Number.MAX_SAFE_INTEGER, limit + 1),
			limit
		);
	}

	async accountsNamed(usernames: string[]): Promise<Map<string, number>> {
		const found = new Map<string, number>();
		for (const name of usernames) {
			const id = this.account.get(name) as number | undefined;
			if (id !== undefined) found.set(name, id);
		}
		return found;
	}

	async logBetween(query: {
		userId: number;
		roomIds: number[];
		afterSeq: number;
		upToSeq: number;
		limit: number;
	}): Promise<{ entries: LogEntry[]; truncated: boolean }> {
		const { userId, roomIds, afterSeq, upToSeq, limit } = query;
		const rows = this.logStatement(roomIds.length).all(
			afterSeq,
			upToSeq,
			...roomIds,
			userId,
			userId,
			limit + 1
		) as LogRow[];
		const truncated = rows.length > limit;
		return { entries: this.entries(rows.slice(0, limit).reverse()), truncated };
	}

	async logRange(
		afterSeq: number,
		upToSeq: number,
		limit: number
	): Promise<{ entries: LogEntry[]; lastSeq: number }> {
		if (limit < 1) return { entries: [], lastSeq: afterSeq };
		// Synchronous: nothing commits between these two reads.
		const head = Math.min(upToSeq, this.max.get() as number);
		const log = this.range.all(afterSeq, head, limit) as LogRow[];
		// A short page examined the whole range, including seqs whose rows retention deleted.
		const lastSeq = log.length === limit ? log[log.length - 1].seq : Math.max(afterSeq, head);
		return { entries: this.entries(log), lastSeq };
	}

	/** Log rows (seq order) as entries: messages in their current state, live changes. */
	private entries(log: LogRow[]): LogEntry[] {
		const current = new Map(
			this.hydrator
				.records(this.byIds.all(JSON.stringify(liveIdsOf(log))) as Row[])
				.map((m) => [m.id, m])
		);
		const threads = new Map<number, ThreadSummary>();
		for (const r of log) {
			if (r.kind !== 'delete') continue;
			const root = this.threadRoot.get(r.message_id) as number | null;
			if (root !== null && root !== r.message_id)
				threads.set(r.message_id, this.hydrator.thread(root));
		}
		return logEntries(log, current, threads);
	}

	/** The log statement for `rooms` room ids, prepared once per count. */
	private logStatement(rooms: number): Statement {
		let statement = this.logStatements.get(rooms);
		if (!statement) {
			const roomList = rooms ? Array(rooms).fill('?').join(',') : 'NULL';
			statement = this.sqlite.prepare(
				`SELECT c.*, r.name AS room FROM changes c LEFT JOIN rooms r ON r.id = c.room_id
				 WHERE c.seq > ? AND c.seq <= ? AND (c.room_id IN (${roomList}) OR c.party_a = ? OR c.party_b = ?)
				 ORDER BY c.seq DESC LIMIT ?`
			);
			this.logStatements.set(rooms, statement);
		}
		return statement;
	}

	/** Rows read oldest first: `has_more` says newer ones exist. */
	private pageAfter(rows: unknown[], limit: number): MessagePage {
		const has_more = rows.length > limit;
		return { messages: this.hydrator.records((rows as Row[]).slice(0, limit)), has_more };
	}

	private page(rows: unknown[], limit: number): MessagePage {
		const has_more = rows.length > limit;
		const records = this.hydrator.records((rows as Row[]).slice(0, limit).reverse());
		return { messages: records, has_more };
	}
}
