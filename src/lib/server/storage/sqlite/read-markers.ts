import type { Database, Statement } from 'better-sqlite3';
import type { ReadMarkersRepository, ReadScope, Receipt } from '../read-markers';

/** A marker's scope key: 'r:<roomId>' or 'u:<peerId>', one row per (user, room or conversation). */
function scopeKey(scope: ReadScope): string {
	return scope.roomId !== undefined ? `r:${scope.roomId}` : `u:${scope.peerId}`;
}

export class SqliteReadMarkers implements ReadMarkersRepository {
	private readonly advanceStmt: Statement;
	private readonly room: Statement;
	private readonly direct: Statement;

	constructor(sqlite: Database) {
		this.advanceStmt = sqlite.prepare(
			`INSERT INTO read_markers (user_id, scope, room_id, peer_id, last_read_id, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?)
			 ON CONFLICT (user_id, scope) DO UPDATE SET last_read_id = excluded.last_read_id, updated_at = excluded.updated_at
			 WHERE excluded.last_read_id > read_markers.last_read_id`
		);
		// read_markers_scope: who in a room or conversation has read at or past a message.
		this.room = sqlite.prepare(
			`SELECT rm.user_id, u.name, rm.updated_at AS read_at FROM read_markers rm
			 JOIN users u ON u.id = rm.user_id
			 WHERE rm.scope = ? AND rm.last_read_id >= ? AND rm.user_id <> ?
			 ORDER BY rm.updated_at, rm.user_id`
		);
		this.direct = sqlite.prepare(
			`SELECT rm.user_id, u.name, rm.updated_at AS read_at FROM read_markers rm
			 JOIN users u ON u.id = rm.user_id
			 WHERE rm.user_id = ? AND rm.scope = ? AND rm.last_read_id >= ?`
		);
	}

	async advance(userId: number, scope: ReadScope, lastReadId: number, at: number) {
		const { changes } = this.advanceStmt.run(
			userId,
			scopeKey(scope),
			scope.roomId ?? null,
			scope.peerId ?? null,
			lastReadId,
			at
		);
		return changes > 0;
	}

	async roomReaders(roomId: number, messageId: number, exceptUserId: number) {
		return this.room.all(scopeKey({ roomId }), messageId, exceptUserId) as Receipt[];
	}

	async directReaders(readerId: number, peerId: number, messageId: number) {
		return this.direct.all(readerId, scopeKey({ peerId }), messageId) as Receipt[];
	}
}
