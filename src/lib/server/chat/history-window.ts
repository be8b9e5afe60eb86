import type { MessagePage } from '../storage/messages';

/**
 * Where a page of history sits (docs/protocol.md, "History around a message"): before a
 * message (the usual page, newest first from there), centred on one, or after one. At most
 * one of the three; none is the newest page.
 */
export interface HistoryPosition {
	before?: number;
	around?: number;
	after?: number;
}

/** A page, oldest first; `has_newer` is set for `around` and `after` pages. */
export interface WindowPage extends MessagePage {
	has_newer?: boolean;
}

/** One conversation's pages, both ways (a room's or a DM's, from the message store). */
export interface Pages {
	/** Newest `limit` before `before`, oldest first; `has_more`: older exist. */
	older(before: number | undefined, limit: number): Promise<MessagePage>;
	/** Oldest `limit` after `after`, oldest first; `has_more`: newer exist. */
	newer(after: number, limit: number): Promise<MessagePage>;
}

/**
 * A page at a position. `around`: the message itself (when it is there) and up to half the
 * limit older, the rest newer — near either end, the other side fills the limit. `after`:
 * the oldest `limit` newer than the message, and `has_more` answers for what lies before
 * them (one index probe), so the fields mean the same in every page.
 */
export async function historyPage(
	pages: Pages,
	at: HistoryPosition,
	limit: number
): Promise<WindowPage> {
	if (at.after !== undefined) {
		const newer = await pages.newer(at.after, limit);
		const first = newer.messages[0]?.id ?? at.after + 1;
		const { has_more } = await pages.older(first, 0);
		return { messages: newer.messages, has_more, has_newer: newer.has_more };
	}
	if (at.around === undefined) return pages.older(at.before, limit);
	let older = await pages.older(at.around + 1, Math.ceil(limit / 2));
	const newer = await pages.newer(at.around, limit - older.messages.length);
	const missing = limit - older.messages.length - newer.messages.length;
	if (missing > 0 && older.has_more) {
		// Near the newest end: older messages fill the window instead.
		const more = await pages.older(older.messages[0].id, missing);
		older = { messages: [...more.messages, ...older.messages], has_more: more.has_more };
	}
	return {
		messages: [...older.messages, ...newer.messages],
		has_more: older.has_more,
		has_newer: newer.has_more
	};
}
