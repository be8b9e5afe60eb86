import type { HistoryPage } from '$lib/protocol/events';
import { systemEvent } from '$lib/protocol/events';
import { toWire } from '$lib/protocol/wire';
import type { StoredMessage } from '../chat/messages';
import { DEFAULT_ROOM } from '../chat/rooms';

/** Where a page of #general finds its moderation notices (moderation/notices.ts). */
export type NoticeSource = (page: {
	oldestId: number | null;
	hasMore: boolean;
	before?: number;
}) => Promise<unknown[]>;

/**
 * The `history` event of a room page, for the welcome and for `get_history` alike.
 * #general's pages also carry the moderation notices that fall among their messages: they
 * are kept in the audit log and come back with their page, so they survive a reload
 * (docs/protocol.md, "Moderation notices in history").
 */
export class HistoryPages {
	constructor(private readonly notices: NoticeSource) {}

	async roomEvent(
		viewerId: number,
		room: string,
		page: { messages: StoredMessage[]; has_more: boolean },
		before?: number
	) {
		const notices =
			room === DEFAULT_ROOM
				? await this.notices({
						oldestId: page.messages[0]?.id ?? null,
						hasMore: page.has_more,
						before
					})
				: undefined;
		const content: HistoryPage & { room: string; notices?: unknown[] } = {
			room,
			messages: page.messages.map((m) => toWire(m, viewerId)),
			has_more: page.has_more,
			...(notices && { notices })
		};
		return systemEvent('history', content);
	}
}
