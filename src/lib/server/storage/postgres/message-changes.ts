import type { ChangeOp, ChangeRecord, ChangeResult } from '../messages';
import type { Tx } from './client';
import { threadNow } from './message-rows';

/** The message a change applies to, as the log needs it. */
interface Target {
	id: number;
	room_id: number | null;
	room: string | null;
	sender_id: number;
	recipient_id: number | null;
	thread_root_id: number | null;
}

/**
 * The seqs of one write batch: the head read under the log_head row lock, and the next
 * ones handed out in order. Only entries that are written take one, so seqs have no holes.
 */
export class SeqCounter {
	constructor(public head: number) {}
	next(): number {
		return ++this.head;
	}
}

/** Stores who a message mentions (for the unread-mention counts); the sender never. */
export async function mention(
	tx: Tx,
	messageId: number,
	mentions: number[],
	m: { roomId: number | null; senderId: number; quiet?: number[] }
): Promise<void> {
	const users = mentions.filter((id) => id !== m.senderId && !m.quiet?.includes(id));
	if (users.length === 0) return;
	await tx`INSERT INTO mentions (user_id, message_id, room_id, sender_id)
		SELECT u, ${messageId}, ${m.roomId}, ${m.senderId} FROM unnest(${users}::bigint[]) AS u
		ON CONFLICT DO NOTHING`;
}

/**
 * Edits, deletions and reactions (sqlite/message-changes.ts on PostgreSQL), applied inside
 * the batch's transaction, which holds the log_head lock: each checks that its message is
 * still there, changes it, and appends one row to the change log with the next seq.
 */
export async function applyChange(
	tx: Tx,
	op: ChangeOp,
	at: number,
	seqs: SeqCounter
): Promise<ChangeResult> {
	const [t] = await tx<Target[]>`
		SELECT m.id, m.room_id, r.name AS room, m.sender_id, m.recipient_id, m.thread_root_id
		FROM messages m LEFT JOIN rooms r ON r.id = m.room_id
		WHERE m.id = ${op.messageId} AND m.deleted_at IS NULL`;
	if (!t) return { refused: 'not_found' };
	const dm = t.room_id === null;
	const log = async (extra: { emoji?: string; on?: boolean; count?: number } = {}) => {
		const seq = seqs.next();
		await tx`INSERT INTO changes (seq, kind, message_id, room_id, party_a, party_b, actor_id,
			actor_name, emoji, reaction_on, reaction_count, created_at)
			VALUES (${seq}, ${op.kind}, ${t.id}, ${t.room_id}, ${dm ? t.sender_id : null},
			${dm ? t.recipient_id : null}, ${op.actor.id}, ${op.actor.name}, ${extra.emoji ?? null},
			${extra.on === undefined ? null : Number(extra.on)}, ${extra.count ?? null}, ${at})`;
		return seq;
	};
	const record = (seq: number): ChangeRecord => ({
		seq,
		kind: op.kind,
		messageId: t.id,
		roomId: t.room_id,
		room: t.room,
		partyA: dm ? t.sender_id : null,
		partyB: dm ? t.recipient_id : null,
		actorId: op.actor.id,
		actorName: op.actor.name,
		createdAt: at
	});
	switch (op.kind) {
		case 'edit': {
			await tx`UPDATE messages SET body = ${op.body}, mentions = ${JSON.stringify(op.mentions)},
				edited_at = ${at} WHERE id = ${t.id}`;
			await tx`DELETE FROM mentions WHERE message_id = ${t.id}`;
			await mention(tx, t.id, op.mentions, {
				roomId: t.room_id,
				senderId: t.sender_id,
				quiet: op.quiet
			});
			const seq = await log();
			return { change: { ...record(seq), body: op.body, mentions: op.mentions } };
		}
		case 'delete': {
			// A deletion erases the text; only the row (the tombstone that keeps the id) remains.
			await tx`UPDATE messages SET body = '', mentions = NULL, deleted_at = ${at} WHERE id = ${t.id}`;
			await tx`DELETE FROM reactions WHERE message_id = ${t.id}`;
			await tx`DELETE FROM mentions WHERE message_id = ${t.id}`;
			const seq = await log();
			const thread = t.thread_root_id === null ? null : await threadNow(tx, t.thread_root_id);
			return { change: { ...record(seq), thread } };
		}
		case 'reaction': {
			const [state] = await tx<{ held: boolean; count: number; kinds: number }[]>`
				SELECT bool_or(emoji = ${op.emoji} AND user_id = ${op.actor.id}) IS TRUE AS held,
				       COUNT(*) FILTER (WHERE emoji = ${op.emoji}) AS count,
				       COUNT(DISTINCT emoji) AS kinds
				FROM reactions WHERE message_id = ${t.id}`;
			if (state.held === op.on) return { refused: 'unchanged' };
			let count: number;
			if (op.on) {
				if (state.count === 0 && state.kinds >= op.maxDistinct) return { refused: 'too_many' };
				await tx`INSERT INTO reactions (message_id, emoji, user_id, created_at)
					VALUES (${t.id}, ${op.emoji}, ${op.actor.id}, ${at})`;
				count = state.count + 1;
			} else {
				await tx`DELETE FROM reactions WHERE message_id = ${t.id} AND emoji = ${op.emoji}
					AND user_id = ${op.actor.id}`;
				count = state.count - 1;
			}
			const seq = await log({ emoji: op.emoji, on: op.on, count });
			return { change: { ...record(seq), emoji: op.emoji, on: op.on, count } };
		}
	}
}
