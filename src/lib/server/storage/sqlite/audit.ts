import type { Database, Statement } from 'better-sqlite3';
import type { AuditAction, AuditEntry } from '$lib/protocol/admin';
import type { AuditRepository, NewAuditEntry, PlacedAuditEntry } from '../moderation';
import type { StateMemo } from './state-memo';

export class SqliteAudit implements AuditRepository {
	private readonly insert: Statement;
	private readonly pageStmt: Statement;
	private readonly createdAtOf: Statement;
	private readonly createdAtFrom: Statement;
	/** `placed`, by the number of actions it lists (an IN list of parameters). */
	private readonly placedStmts = new Map<number, Statement>();

	constructor(
		private readonly sqlite: Database,
		private readonly memo: StateMemo
	) {
		this.insert = sqlite.prepare(
			'INSERT INTO audit_log (actor_id, action, target_id, reason, until, created_at) VALUES (?, ?, ?, ?, ?, ?)'
		);
		this.pageStmt = sqlite.prepare(
			`SELECT a.id, a.action, a.actor_id, a.target_id, a.reason, a.until, a.created_at,
			        actor.name AS actor_name, target.name AS target_name
			   FROM audit_log a
			   LEFT JOIN users actor ON actor.id = a.actor_id
			   LEFT JOIN users target ON target.id = a.target_id
			  WHERE a.id < ?
			  ORDER BY a.id DESC
			  LIMIT ?`
		);
		this.createdAtOf = sqlite.prepare('SELECT created_at FROM messages WHERE id = ?').pluck();
		this.createdAtFrom = sqlite
			.prepare('SELECT created_at FROM messages WHERE id >= ? ORDER BY id LIMIT 1')
			.pluck();
	}

	async append(e: NewAuditEntry): Promise<number> {
		const { lastInsertRowid } = this.insert.run(
			e.actorId,
			e.action,
			e.targetId,
			e.reason,
			e.until,
			e.at
		);
		return Number(lastInsertRowid);
	}

	async page(limit: number, before?: number): Promise<Required<AuditEntry>[]> {
		return this.pageStmt.all(before ?? Number.MAX_SAFE_INTEGER, limit) as Required<AuditEntry>[];
	}

	async placed(query: {
		actions: readonly AuditAction[];
		from: number;
		before?: number;
		limit: number;
	}): Promise<PlacedAuditEntry[]> {
		// The notices of #general's newest page: every welcome reads them.
		return this.memo.read(`placed:${JSON.stringify(query)}`, () => this.readPlaced(query));
	}

	private readPlaced(query: {
		actions: readonly AuditAction[];
		from: number;
		before?: number;
		limit: number;
	}): PlacedAuditEntry[] {
		const { actions, from, before, limit } = query;
		const to = before ?? Number.MAX_SAFE_INTEGER;
		// The time window first (audit_log_created), then the exact placement by message id.
		const fromTs = from ? ((this.createdAtOf.get(from) as number | undefined) ?? 0) : 0;
		const toTs =
			before !== undefined
				? ((this.createdAtFrom.get(before) as number | undefined) ?? Number.MAX_SAFE_INTEGER)
				: Number.MAX_SAFE_INTEGER;
		return this.placedStatement(actions.length).all(
			...actions,
			fromTs,
			toTs,
			from,
			to,
			limit
		) as PlacedAuditEntry[];
	}

	private placedStatement(actions: number): Statement {
		let statement = this.placedStmts.get(actions);
		if (!statement) {
			statement = this.sqlite.prepare(
				`WITH n AS (
				   SELECT a.id, a.action, a.actor_id, a.target_id, a.reason, a.until, a.created_at,
				          COALESCE((SELECT m.id FROM messages m WHERE m.created_at <= a.created_at
				                     ORDER BY m.created_at DESC, m.id DESC LIMIT 1), 0) AS after_id
				     FROM audit_log a
				    WHERE a.action IN (${Array(actions).fill('?').join(', ')})
				      AND a.created_at >= ? AND a.created_at <= ?
				 )
				 SELECT n.*, actor.name AS actor_name, target.name AS target_name
				   FROM n
				   LEFT JOIN users actor ON actor.id = n.actor_id
				   LEFT JOIN users target ON target.id = n.target_id
				  WHERE n.after_id >= ? AND n.after_id < ?
				  ORDER BY n.id DESC
				  LIMIT ?`
			);
			this.placedStmts.set(actions, statement);
		}
		return statement;
	}
}
