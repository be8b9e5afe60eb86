import type { Database, Statement } from 'better-sqlite3';
import type { ChangeOp, ChangeRecord, ChangeResult } from '../messages';
import type { Hydrator } from './message-rows';

/** The message a change applies to, as the log needs it. */
interface Target {
	id: number;
	room_id: number | null;
	room: string | null;
	sender_id: number;
	recipient_id: number | null;
	kind: string;
	thread_root_id: number | null;
}

/**
 * The next seq, taken inside the write transaction: one past the highest ever handed out
 * (sqlite_sequence keeps it even when the newest rows are gone). SQLite has one writer, so
 * seq order is commit order.
 */
export const NEXT_SEQ = `COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0) + 1`;

/**
 * Edits, deletions and reactions, applied inside the caller's transaction: each checks
 * that its message is still there (it may have gone since the service's checks), changes
 * it, and appends one row to the change log, whose seq it returns with the new state.
 */
export class ChangeWriter {
	private readonly target: Statement;
	private readonly logChange: Statement;
	private readonly edit: Statement;
	private readonly erase: Statement;
	private readonly dropReactions: Statement;
	private readonly dropMentions: Statement;
	private readonly addMention: Statement;
	private readonly holds: Statement;
	private readonly distinct: Statement;
	private readonly react: Statement;
	private readonly unreact: Statement;
	private readonly count: Statement;

	constructor(
		sqlite: Database,
		private readonly hydrator: Hydrator
	) {
		this.target = sqlite.prepare(
			`SELECT m.id, m.room_id, r.name AS room, m.sender_id, m.recipient_id, m.kind, m.thread_root_id
			 FROM messages m LEFT JOIN rooms r ON r.id = m.room_id
			 WHERE m.id = ? AND m.deleted_at IS NULL`
		);
		this.logChange = sqlite.prepare(
			`INSERT INTO changes (seq, kind, message_id, room_id, party_a, party_b, actor_id, actor_name,
			   emoji, reaction_on, reaction_count, created_at)
			 VALUES (${NEXT_SEQ}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`
		);
		this.edit = sqlite.prepare(
			'UPDATE messages SET body = ?, mentions = ?, edited_at = ? WHERE id = ?'
		);
		// A deletion erases the text; only the row (the tombstone that keeps the id) remains.
		this.erase = sqlite.prepare(
			"UPDATE messages SET body = '', mentions = NULL, deleted_at = ? WHERE id = ?"
		);
		this.dropReactions = sqlite.prepare('DELETE FROM reactions WHERE message_id = ?');
		this.dropMentions = sqlite.prepare('DELETE FROM mentions WHERE message_id = ?');
		this.addMention = sqlite.prepare(
			'INSERT OR IGNORE INTO mentions (user_id, message_id, room_id, sender_id) VALUES (?, ?, ?, ?)'
		);
		this.holds = sqlite.prepare(
			'SELECT 1 FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ?'
		);
		this.distinct = sqlite
			.prepare('SELECT COUNT(DISTINCT emoji) FROM reactions WHERE message_id = ?')
			.pluck();
		this.react = sqlite.prepare(
			'INSERT INTO reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?)'
		);
		this.unreact = sqlite.prepare(
			'DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ?'
		);
		this.count = sqlite
			.prepare('SELECT COUNT(*) FROM reactions WHERE message_id = ? AND emoji = ?')
			.pluck();
	}

	/** Stores who a message mentions (for the unread-mention counts); the sender never. */
	mention(
		messageId: number,
		mentions: number[],
		m: { roomId: number | null; senderId: number; quiet?: number[] }
	) {
		for (const userId of mentions) {
			if (userId === m.senderId || m.quiet?.includes(userId)) continue;
			this.addMention.run(userId, messageId, m.roomId, m.senderId);
		}
	}

	apply(op: ChangeOp, at: number): ChangeResult {
		const t = this.target.get(op.messageId) as Target | undefined;
		if (!t) return { refused: 'not_found' };
		const log = (extra: { emoji?: string; on?: boolean; count?: number } = {}) =>
			this.logChange.get(
				op.kind,
				t.id,
				t.room_id,
				t.room_id === null ? t.sender_id : null,
				t.room_id === null ? t.recipient_id : null,
				op.actor.id,
				op.actor.name,
				extra.emoji ?? null,
				extra.on === undefined ? null : Number(extra.on),
				extra.count ?? null,
				at
			) as { seq: number };
		const record = (seq: number): ChangeRecord => ({
			seq,
			kind: op.kind,
			messageId: t.id,
			roomId: t.room_id,
			room: t.room,
			partyA: t.room_id === null ? t.sender_id : null,
			partyB: t.room_id === null ? t.recipient_id : null,
			actorId: op.actor.id,
			actorName: op.actor.name,
			createdAt: at
		});
		switch (op.kind) {
			case 'edit': {
				this.edit.run(op.body, JSON.stringify(op.mentions), at, t.id);
				this.dropMentions.run(t.id);
				this.mention(t.id, op.mentions, {
					roomId: t.room_id,
					senderId: t.sender_id,
					quiet: op.quiet
				});
				const { seq } = log();
				return { change: { ...record(seq), body: op.body, mentions: op.mentions } };
			}
			case 'delete': {
				this.erase.run(at, t.id);
				this.dropReactions.run(t.id);
				this.dropMentions.run(t.id);
				const { seq } = log();
				const thread = t.thread_root_id === null ? null : this.hydrator.thread(t.thread_root_id);
				return { change: { ...record(seq), thread } };
			}
			case 'reaction': {
				const held = !!this.holds.get(t.id, op.emoji, op.actor.id);
				if (held === op.on) return { refused: 'unchanged' };
				if (op.on) {
					const known = (this.count.get(t.id, op.emoji) as number) > 0;
					if (!known && (this.distinct.get(t.id) as number) >= op.maxDistinct)
						return { refused: 'too_many' };
					this.react.run(t.id, op.emoji, op.actor.id, at);
				} else {
					this.unreact.run(t.id, op.emoji, op.actor.id);
				}
				const count = this.count.get(t.id, op.emoji) as number;
				const { seq } = log({ emoji: op.emoji, on: op.on, count });
				return { change: { ...record(seq), emoji: op.emoji, on: op.on, count } };
			}
		}
	}
}
