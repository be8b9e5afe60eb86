import { z } from 'zod';
import { idSchema, muteSecondsSchema, reasonSchema } from './client';

/**
 * The admin HTTP API (PROTOCOL.md §9) and the admin panel share these shapes; the
 * WebSocket commands of §5 reach the same moderation service.
 */

export const adminActionNames = [
	'kick',
	'mute',
	'unmute',
	'ban',
	'unban',
	'promote',
	'demote'
] as const;
export type AdminActionName = (typeof adminActionNames)[number];

/**
 * What the audit log can hold: the actions above, accounts created by an admin, messages an
 * admin deleted, members removed from a room and room settings changed by its creator or an
 * admin, and passwords an admin reset.
 */
export type AuditAction =
	| AdminActionName
	| 'create_user'
	| 'delete_message'
	| 'remove_member'
	| 'update_room'
	| 'reset_password';

/** Body of `POST /api/admin/actions`. */
export const adminActionSchema = z
	.object({
		action: z.enum(adminActionNames),
		target_id: idSchema,
		duration_seconds: muteSecondsSchema.optional(),
		reason: reasonSchema
	})
	.refine((b) => b.action !== 'mute' || b.duration_seconds !== undefined, {
		message: 'duration_seconds is required to mute (1 second to 30 days)',
		path: ['duration_seconds']
	});
export type AdminActionInput = z.output<typeof adminActionSchema>;

/** Audit entries per page in the panel. */
export const AUDIT_PAGE = 15;

/** One row of `GET /api/admin/audit`, newest first. Names only with `?names=1`. */
export interface AuditEntry {
	id: number;
	action: AuditAction;
	actor_id: number;
	target_id: number;
	reason: string;
	until: number | null;
	created_at: number;
	actor_name?: string | null;
	target_name?: string | null;
}

/** One row of `GET /api/admin/users`. */
export interface AdminUser {
	id: number;
	username: string | null;
	name: string;
	is_admin: boolean;
	is_guest: boolean;
	online: boolean;
	connections: number;
	created_at: number | null;
	muted_until: number | null;
	mute_reason: string | null;
	banned: boolean;
	banned_at: number | null;
	ban_reason: string | null;
}

/** `GET /api/admin/stats`: the panel's live figures. */
export interface AdminStats {
	users_online: number;
	connections: number;
	messages_last_hour: number;
	total_messages: number;
	uptime_seconds: number;
	server_time: number;
	accounts: number;
	admins: number;
	muted: number;
	banned: number;
}

/**
 * Content of the `moderation` notice other online users get, and of each entry of
 * `notices` in #general's history pages (PROTOCOL.md §7, docs/protocol.md). Clients build
 * their own sentence from the structured fields; `text` is English for clients that only print.
 */
export interface ModerationNotice {
	/** The audit entry's id: a notice seen live and again in history is one notice. */
	id: number;
	action: AuditAction;
	target_id: number;
	/** Current display name; '' for a guest that is gone. */
	target_name: string;
	actor_id: number;
	actor_name: string;
	/** v1 names of actor_id / actor_name, kept for older clients. */
	by_id: number;
	by: string;
	reason: string;
	/** A mute's end, unix seconds; null for the other actions. */
	until: number | null;
	/** A mute's length as given; null for the other actions. */
	duration_seconds: number | null;
	/** When the action happened, unix seconds. */
	timestamp: number;
	/** History only: the newest message id committed at or before the action (placement). */
	after_id?: number;
	text: string;
}
