import type { ReadMarkersRepository, ReadScope, Receipt } from '../read-markers';
import type { Sql } from './client';

/** A marker's scope key: 'r:<roomId>' or 'u:<peerId>', one row per (user, room or conversation). */
function scopeKey(scope: ReadScope): string {
	return scope.roomId !== undefined ? `r:${scope.roomId}` : `u:${scope.peerId}`;
}

export class PostgresReadMarkers implements ReadMarkersRepository {
	constructor(private readonly sql: Sql) {}

	async advance(userId: number, scope: ReadScope, lastReadId: number, at: number) {
		const result = await this.sql`
			INSERT INTO read_markers (user_id, scope, room_id, peer_id, last_read_id, updated_at)
			VALUES (${userId}, ${scopeKey(scope)}, ${scope.roomId ?? null}::bigint,
			        ${scope.peerId ?? null}::bigint, ${lastReadId}, ${at})
			ON CONFLICT (user_id, scope) DO UPDATE
			  SET last_read_id = excluded.last_read_id, updated_at = excluded.updated_at
			  WHERE excluded.last_read_id > read_markers.last_read_id`;
		return result.count > 0;
	}

	async roomReaders(roomId: number, messageId: number, exceptUserId: number) {
		// read_markers_scope: who in a room has read at or past a message.
		return [
			...(await this.sql<Receipt[]>`
				SELECT rm.user_id, u.name, rm.updated_at AS read_at FROM read_markers rm
				JOIN users u ON u.id = rm.user_id
				WHERE rm.scope = ${scopeKey({ roomId })} AND rm.last_read_id >= ${messageId}
				  AND rm.user_id <> ${exceptUserId}
				ORDER BY rm.updated_at, rm.user_id`)
		];
	}

	async directReaders(readerId: number, peerId: number, messageId: number) {
		return [
			...(await this.sql<Receipt[]>`
				SELECT rm.user_id, u.name, rm.updated_at AS read_at FROM read_markers rm
				JOIN users u ON u.id = rm.user_id
				WHERE rm.user_id = ${readerId} AND rm.scope = ${scopeKey({ peerId })}
				  AND rm.last_read_id >= ${messageId}`)
		];
	}
}
