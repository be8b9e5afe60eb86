import type { AuditAction, AuditEntry } from '$lib/protocol/admin';
import type { Logger } from '../logger';
import type { AuditRepository } from '../storage/moderation';

/** The audit log: every moderation action appended (and logged for operators), read back by the panel. */
export class AuditTrail {
	constructor(
		private readonly audit: AuditRepository,
		/** Operators see every action in the server log too. */
		private readonly log?: Pick<Logger, 'info'>
	) {}

	/** Appends an entry; resolves with its id. */
	append(
		actorId: number,
		action: AuditAction,
		targetId: number,
		reason: string,
		until: number | null,
		at: number
	): Promise<number> {
		this.log?.info({ actorId, action, targetId, reason, until }, `moderation: ${action}`);
		return this.audit.append({ actorId, action, targetId, reason, until, at });
	}

	/** Newest first; `before` pages back by entry id. The log is append-only: no edit, no delete. */
	page(opts: { limit: number; before?: number }): Promise<Required<AuditEntry>[]> {
		return this.audit.page(opts.limit, opts.before);
	}
}
