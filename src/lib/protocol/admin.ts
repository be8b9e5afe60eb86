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

/** What the audit log can hold: the actions above plus accounts created by an admin. */
export type AuditAction = AdminActionName | 'create_user';

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

/** Content of the `moderation` notice other online users get (docs/decisions-moderation.md). */
export interface ModerationNotice {
	action: AuditAction;
	target_id: number;
	target_name: string;
	by_id: number;
	by: string;
	reason: string;
	until: number | null;
	text: string;
}
