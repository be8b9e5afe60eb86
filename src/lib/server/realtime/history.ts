import type { HistoryPage } from '$lib/protocol/events';
import { systemEvent } from '$lib/protocol/events';
import type { App } from '../app';
import { toWire, type StoredMessage } from '../chat/messages';
import { DEFAULT_ROOM } from '../chat/rooms';
import { noticesForPage } from '../moderation/notices';

/**
 * The `history` event of a room page, for the welcome and for `get_history` alike.
 * #general's pages also carry the moderation notices that fall among their messages: they
 * are kept in the audit log and come back with their page, so they survive a reload
 * (docs/protocol.md, "Moderation notices in history").
 */
export function roomHistoryEvent(
	app: App,
	viewerId: number,
	room: string,
	page: { messages: StoredMessage[]; has_more: boolean },
	before?: number
) {
	const notices =
		room === DEFAULT_ROOM
			? noticesForPage(app.sqlite, {
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
