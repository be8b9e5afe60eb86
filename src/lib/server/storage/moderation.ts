import type { AuditAction, AuditEntry } from '$lib/protocol/admin';

/** A mute in force: until when (Unix seconds) and why. */
export interface MuteRecord {
	userId: number;
	until: number;
	reason: string;
}

/** Mutes outlive restarts: this table is the truth, the moderation service's memory the fast path. */
export interface MutesRepository {
	/** Deletes the mutes that ended at `now` or before. */
	deleteEnded(now: number): Promise<void>;
	all(): Promise<MuteRecord[]>;
	/** Stores a mute, replacing the user's current one. */
	put(mute: MuteRecord & { by: number; at: number }): Promise<void>;
	delete(userId: number): Promise<void>;
	/**
	 * Deletes the user's mute if it ends at `until` or before (a newer, longer one stays).
	 * True when a row went: of several processes noticing the end, that one tells the user.
	 */
	deleteEndedBy(userId: number, until: number): Promise<boolean>;
}

/** One audit entry to append. */
export interface NewAuditEntry {
	actorId: number;
	action: AuditAction;
	targetId: number;
	reason: string;
	until: number | null;
	/** Unix seconds. */
	at: number;
}

/** An audit entry placed in #general's history: `after_id` is the newest message at or before it. */
export interface PlacedAuditEntry {
	id: number;
	action: AuditAction;
	actor_id: number;
	target_id: number;
	reason: string;
	until: number | null;
	created_at: number;
	after_id: number;
	/** The accounts' current names; null for a guest (it left no row). */
	actor_name: string | null;
	target_name: string | null;
}

/** The append-only audit log: no edit, no delete. */
export interface AuditRepository {
	/** Appends an entry; resolves with its id. */
	append(entry: NewAuditEntry): Promise<number>;
	/** Newest first, with names; `before` pages back by entry id. */
	page(limit: number, before?: number): Promise<Required<AuditEntry>[]>;
	/**
	 * Entries of `actions` placed after a message id in [from, before) (`before` absent: no
	 * end), the newest `limit`, newest first. Message ids are one sequence, so pages of
	 * #general that do not overlap own disjoint sets of entries.
	 */
	placed(query: {
		actions: readonly AuditAction[];
		from: number;
		before?: number;
		limit: number;
	}): Promise<PlacedAuditEntry[]>;
}
