import type { AuditAction, ModerationNotice } from '$lib/protocol/admin';
import { formatDuration } from '$lib/format/duration';
import type { AuditRepository } from '../storage/moderation';

/** Notices delivered with one history page at most (the newest of its span). */
export const MAX_NOTICES_PER_PAGE = 100;

/** Actions every user saw live as a `moderation` notice; `create_user` is admin-only and stays out. */
const PUBLIC_ACTIONS: readonly AuditAction[] = [
	'kick',
	'mute',
	'unmute',
	'ban',
	'unban',
	'promote',
	'demote'
];

/**
 * The moderation notices that belong to one page of #general's history, derived from the
 * audit log (no table of their own). A notice sits after the newest message committed at or
 * before the action (`after_id`, message ids are one sequence across conversations), so a
 * page of messages `oldestId..` (older pages exist when `hasMore`) that ends before `before`
 * owns the notices with `oldestId <= after_id < before`; consecutive pages never overlap.
 * Names are the accounts' current ones; a guest left no row, so its name is null.
 */
export async function noticesForPage(
	audit: Pick<AuditRepository, 'placed'>,
	page: { oldestId: number | null; hasMore: boolean; before?: number }
): Promise<ModerationNotice[]> {
	const from = page.hasMore && page.oldestId !== null ? page.oldestId : 0;
	const to = page.before ?? Number.MAX_SAFE_INTEGER;
	if (from >= to) return [];
	const rows = await audit.placed({
		actions: PUBLIC_ACTIONS,
		from,
		before: page.before,
		limit: MAX_NOTICES_PER_PAGE
	});
	return rows.toReversed().map((r) =>
		noticeOf({
			id: r.id,
			action: r.action,
			actor: { id: r.actor_id, name: r.actor_name ?? '' },
			target: { id: r.target_id, name: r.target_name ?? '' },
			reason: r.reason,
			until: r.until,
			at: r.created_at,
			afterId: r.after_id
		})
	);
}

/** One notice in the shape the live `moderation` event and history pages share. */
export function noticeOf(n: {
	id: number;
	action: ModerationNotice['action'];
	actor: { id: number; name: string };
	target: { id: number; name: string };
	reason: string;
	until: number | null;
	at: number;
	afterId?: number;
}): ModerationNotice {
	const duration = n.action === 'mute' && n.until !== null ? Math.max(0, n.until - n.at) : null;
	return {
		id: n.id,
		action: n.action,
		target_id: n.target.id,
		target_name: n.target.name,
		actor_id: n.actor.id,
		actor_name: n.actor.name,
		by_id: n.actor.id,
		by: n.actor.name,
		reason: n.reason,
		until: n.until,
		duration_seconds: duration,
		timestamp: n.at,
		...(n.afterId !== undefined && { after_id: n.afterId }),
		text: describe(n.action, n.target.name, n.actor.name, n.reason, duration)
	};
}

const PAST: Record<ModerationNotice['action'], string> = {
	kick: 'kicked',
	mute: 'muted',
	unmute: 'unmuted',
	ban: 'banned',
	unban: 'unbanned',
	promote: 'made an admin',
	demote: 'no longer an admin',
	create_user: 'created',
	delete_message: 'had a message deleted',
	remove_member: 'removed from a room',
	update_room: 'changed a room',
	reset_password: 'had their password reset'
};

/** The notice in words, for clients that only print text: "bob was muted for 5 minutes by alice: spam". */
function describe(
	action: ModerationNotice['action'],
	target: string,
	by: string,
	reason: string,
	duration: number | null
): string {
	const span = duration !== null ? ` for ${formatDuration(duration)}` : '';
	const what =
		action === 'demote'
			? `${target} is no longer an admin (by ${by})`
			: `${target} was ${PAST[action]}${span} by ${by}`;
	return `${what}${reason ? `: ${reason}` : ''}`;
}
