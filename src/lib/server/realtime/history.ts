import type { ModerationNotice } from '$lib/protocol/admin';
import { events } from '$lib/protocol/events';
import { wirePage } from '$lib/protocol/wire';
import type { HistoryPosition } from '../chat/history-window';
import type { StoredMessage } from '../chat/messages';
import { DEFAULT_ROOM } from '../chat/rooms';

/** Where a page of #general finds its moderation notices (moderation/notices.ts). */
export type NoticeSource = (page: {
	oldestId: number | null;
	hasMore: boolean;
	before?: number;
}) => Promise<ModerationNotice[]>;

/**
 * The `history` event of a room page, for the welcome and for `get_history` alike.
 * #general's pages also carry the moderation notices that fall among their messages: they
 * are kept in the audit log and come back with their page, so they survive a reload
 * (docs/protocol.md, "Moderation notices in history").
 */
export class HistoryPages {
	constructor(private readonly notices: NoticeSource) {}

	/**
	 * `at` is where the page was read (history-window.ts). A page owns the notices placed
	 * from its oldest message (from the start when nothing is older; right after `after` for
	 * an `after` page) up to `before`, or up to its newest message when newer ones exist:
	 * pages read next to each other, either way, never share or skip a notice.
	 */
	async roomEvent(
		viewerId: number,
		room: string,
		page: { messages: StoredMessage[]; has_more: boolean; has_newer?: boolean },
		at: HistoryPosition = {}
	) {
		return this.event(viewerId, room, page, await this.noticesOf(room, page, at));
	}

	/** The notices a page owns (see roomEvent); none outside #general. */
	async noticesOf(
		room: string,
		page: { messages: readonly StoredMessage[]; has_more: boolean; has_newer?: boolean },
		at: HistoryPosition = {}
	): Promise<ModerationNotice[] | undefined> {
		if (room !== DEFAULT_ROOM) return undefined;
		const newest = page.messages.at(-1);
		return this.notices({
			oldestId: at.after !== undefined ? at.after + 1 : (page.messages[0]?.id ?? null),
			hasMore: at.after !== undefined || page.has_more,
			before: page.has_newer && newest ? newest.id + 1 : at.before
		});
	}

	/** The `history` event of a page read with its notices, as `viewerId` sees it. */
	event(
		viewerId: number,
		room: string,
		page: { messages: readonly StoredMessage[]; has_more: boolean; has_newer?: boolean },
		notices: ModerationNotice[] | undefined
	) {
		return events.history({
			room,
			...wirePage(page, viewerId),
			...(notices && { notices })
		});
	}
}
