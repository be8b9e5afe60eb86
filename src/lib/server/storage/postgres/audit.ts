import type { AuditAction, AuditEntry } from '$lib/protocol/admin';
import type { AuditRepository, NewAuditEntry, PlacedAuditEntry } from '../moderation';
import type { Sql } from './client';

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

export class PostgresAudit implements AuditRepository {
	constructor(private readonly sql: Sql) {}

	async append(e: NewAuditEntry): Promise<number> {
		const [row] = await this.sql<{ id: number }[]>`
			INSERT INTO audit_log (actor_id, action, target_id, reason, until, created_at)
			VALUES (${e.actorId}, ${e.action}, ${e.targetId}, ${e.reason}, ${e.until}::bigint, ${e.at})
			RETURNING id`;
		return row.id;
	}

	async page(limit: number, before?: number): Promise<Required<AuditEntry>[]> {
		return [
			...(await this.sql<Required<AuditEntry>[]>`
				SELECT a.id, a.action, a.actor_id, a.target_id, a.reason, a.until, a.created_at,
				       actor.name AS actor_name, target.name AS target_name
				FROM audit_log a
				LEFT JOIN users actor ON actor.id = a.actor_id
				LEFT JOIN users target ON target.id = a.target_id
				WHERE a.id < ${before ?? NO_LIMIT}
				ORDER BY a.id DESC
				LIMIT ${limit}`)
		];
	}

	async placed(query: {
		actions: readonly AuditAction[];
		from: number;
		before?: number;
		limit: number;
	}): Promise<PlacedAuditEntry[]> {
		const { actions, from, before, limit } = query;
		// The time window first (audit_log_created), then the exact placement by message id.
		const [window] = await this.sql<{ from_ts: number | null; to_ts: number | null }[]>`
			SELECT (SELECT created_at FROM messages WHERE id = ${from}) AS from_ts,
			       (SELECT created_at FROM messages WHERE id >= ${before ?? NO_LIMIT}
			         ORDER BY id LIMIT 1) AS to_ts`;
		const fromTs = from ? (window.from_ts ?? 0) : 0;
		const toTs = before !== undefined ? (window.to_ts ?? NO_LIMIT) : NO_LIMIT;
		return [
			...(await this.sql<PlacedAuditEntry[]>`
				WITH n AS (
				  SELECT a.id, a.action, a.actor_id, a.target_id, a.reason, a.until, a.created_at,
				         COALESCE((SELECT m.id FROM messages m WHERE m.created_at <= a.created_at
				                    ORDER BY m.created_at DESC, m.id DESC LIMIT 1), 0) AS after_id
				  FROM audit_log a
				  WHERE a.action = ANY(${[...actions]}::text[])
				    AND a.created_at >= ${fromTs} AND a.created_at <= ${toTs}
				)
				SELECT n.*, actor.name AS actor_name, target.name AS target_name
				FROM n
				LEFT JOIN users actor ON actor.id = n.actor_id
				LEFT JOIN users target ON target.id = n.target_id
				WHERE n.after_id >= ${from} AND n.after_id < ${before ?? NO_LIMIT}
				ORDER BY n.id DESC
				LIMIT ${limit}`)
		];
	}
}
