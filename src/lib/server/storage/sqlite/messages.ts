import type { Database, Statement } from 'better-sqlite3';
import type {
	InsertResult,
	MessagePage,
	MessageRecord,
	MessagesRepository,
	NewMessage
} from '../messages';

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

/** DMs only: 'low:high' of the two user ids, so one index serves a conversation both ways. */
export function conversationKey(a: number, b: number): string {
	return a < b ? `${a}:${b}` : `${b}:${a}`;
}

export class SqliteMessages implements MessagesRepository {
	private readonly insert: Statement;
	private readonly byClientId: Statement;
	private readonly byIdStmt: Statement;
	private readonly max: Statement;
	private readonly roomPageStmt: Statement;
	private readonly conversationPageStmt: Statement;
	/** visibleBetween, by the number of room ids it lists (an IN list of literals each). */
	private readonly visible = new Map<number, Statement>();

	constructor(private readonly sqlite: Database) {
		this.insert = sqlite.prepare(
			`INSERT INTO messages (room_id, sender_id, sender_name, recipient_id, conversation, kind, body, client_id, created_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (sender_id, client_id) DO NOTHING RETURNING id`
		);
		this.byClientId = sqlite.prepare(`${SELECT} WHERE m.sender_id = ? AND m.client_id = ?`);
		this.byIdStmt = sqlite.prepare(`${SELECT} WHERE m.id = ?`);
		this.max = sqlite.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM messages').pluck();
		this.roomPageStmt = sqlite.prepare(
			`${SELECT} WHERE m.room_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`
		);
		this.conversationPageStmt = sqlite.prepare(
			`${SELECT} WHERE m.conversation = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`
		);
	}

	async maxId(): Promise<number> {
		return this.max.get() as number;
	}

	async insertBatch(drafts: readonly NewMessage[], createdAt: number): Promise<InsertResult[]> {
		return this.sqlite.transaction(() => drafts.map((d) => this.store(d, createdAt)))();
	}

	private store(d: NewMessage, createdAt: number): InsertResult {
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

	async byId(id: number): Promise<MessageRecord | undefined> {
		const row = this.byIdStmt.get(id) as Row | undefined;
		return row && fromRow(row);
	}

	async roomPage(roomId: number, before: number | undefined, limit: number): Promise<MessagePage> {
		const rows = this.roomPageStmt.all(
			roomId,
			before ?? Number.MAX_SAFE_INTEGER,
			limit + 1
		) as Row[];
		return page(rows, limit);
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
		) as Row[];
		return page(rows, limit);
	}

	async visibleBetween(query: {
		userId: number;
		roomIds: number[];
		afterId: number;
		upToId: number;
		limit: number;
	}): Promise<{ messages: MessageRecord[]; truncated: boolean }> {
		const { userId, roomIds, afterId, upToId, limit } = query;
		const rows = this.visibleStatement(roomIds.length).all(
			afterId,
			upToId,
			...roomIds,
			userId,
			userId,
			limit + 1
		) as Row[];
		const truncated = rows.length > limit;
		return { messages: rows.slice(0, limit).reverse().map(fromRow), truncated };
	}

	/**
	 * The statement for `rooms` room ids, prepared once per count: the ids are bound as an
	 * IN list of parameters, the shape the query planner sees with literals.
	 */
	private visibleStatement(rooms: number): Statement {
		let statement = this.visible.get(rooms);
		if (!statement) {
			const roomList = rooms ? Array(rooms).fill('?').join(',') : 'NULL';
			statement = this.sqlite.prepare(
				`${SELECT} WHERE m.id > ? AND m.id <= ? AND (m.room_id IN (${roomList}) OR m.sender_id = ? OR m.recipient_id = ?)
				 ORDER BY m.id DESC LIMIT ?`
			);
			this.visible.set(rooms, statement);
		}
		return statement;
	}
}

function page(rows: Row[], limit: number): MessagePage {
	const has_more = rows.length > limit;
	return { messages: rows.slice(0, limit).reverse().map(fromRow), has_more };
}

function fromRow(r: Row): MessageRecord {
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
