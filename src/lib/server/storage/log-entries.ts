import type { ChangeRecord, LogEntry, MessageRecord, ThreadSummary } from './messages';

/**
 * A row of the change log with its room's name, as every implementation reads it (the
 * columns of the `changes` table). Shared so that SQLite and PostgreSQL replay the log
 * with the same rules.
 */
export interface LogRow {
	seq: number;
	kind: 'create' | 'edit' | 'delete' | 'reaction';
	message_id: number;
	room_id: number | null;
	room: string | null;
	party_a: number | null;
	party_b: number | null;
	actor_id: number;
	actor_name: string;
	emoji: string | null;
	reaction_on: number | null;
	reaction_count: number | null;
	created_at: number;
}

/** The ids of the messages whose current state a replay of `log` needs. */
export function liveIdsOf(log: readonly LogRow[]): number[] {
	return [...new Set(log.filter((r) => r.kind !== 'delete').map((r) => r.message_id))];
}

/**
 * Log rows (seq order) as the entries `resume` replays. `current`: the messages still there
 * (not deleted), by id; `threads`: for each deleted reply, its thread's summary now. A
 * message created in the window comes in its current state; changes to a message deleted
 * since are left out (its deletion is replayed); edits carry the current body.
 */
export function logEntries(
	log: readonly LogRow[],
	current: ReadonlyMap<number, MessageRecord>,
	threads: ReadonlyMap<number, ThreadSummary>
): LogEntry[] {
	const entries: LogEntry[] = [];
	for (const r of log) {
		if (r.kind === 'create') {
			const message = current.get(r.message_id);
			if (message) entries.push({ message });
			continue;
		}
		const change: ChangeRecord = {
			seq: r.seq,
			kind: r.kind,
			messageId: r.message_id,
			roomId: r.room_id,
			room: r.room,
			partyA: r.party_a,
			partyB: r.party_b,
			actorId: r.actor_id,
			actorName: r.actor_name,
			createdAt: r.created_at
		};
		if (r.kind === 'delete') {
			entries.push({ change: { ...change, thread: threads.get(r.message_id) ?? null } });
			continue;
		}
		const message = current.get(r.message_id);
		if (!message) continue;
		if (r.kind === 'edit') {
			entries.push({ change: { ...change, body: message.body, mentions: message.mentions } });
		} else {
			entries.push({
				change: {
					...change,
					emoji: r.emoji!,
					on: r.reaction_on === 1,
					count: r.reaction_count!
				}
			});
		}
	}
	return entries;
}
