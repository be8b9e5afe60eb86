import type { Conversation, ConvKey } from '../conversation.svelte';
import type { ChatState } from './state';
import { HISTORY_PAGE } from './types';

/**
 * Opening a conversation at a message (a search result) and scrolling from there both ways:
 * `get_history {around}` brings a window centred on it, `{after}` the newer pages down to
 * the present, `{before}` the older ones as usual (docs/protocol.md, "History around a
 * message").
 */

function target(conv: Conversation) {
	return conv.kind === 'room' ? { room: conv.target } : { with: conv.target as number };
}

/** Opens `key` scrolled to message `id`, highlighted; a DM peer's `name` when known. */
export function openAt(s: ChatState, key: ConvKey, id: number, name?: string): void {
	const conv = key.startsWith('r:') ? s.room(key.slice(2)) : s.direct(Number(key.slice(2)), name);
	if (conv.byId(id)) {
		conv.focusId = id;
	} else {
		conv.openAround(id);
		const sent = s.send({ type: 'get_history', ...target(conv), around: id, limit: HISTORY_PAGE });
		// Offline: open it the usual way (its newest page comes on connect).
		if (!sent) conv.reset();
	}
	s.open(key);
}

/** Asks for the page after the newest row held, while the present is not loaded. */
export function loadNewer(s: ChatState, conv: Conversation): void {
	const after = conv.newestId;
	if (conv.loadingNewer || !conv.hasNewer || after === null) return;
	if (s.send({ type: 'get_history', ...target(conv), after, limit: HISTORY_PAGE }))
		conv.loadingNewer = true;
}

/** Leaves a window for the present: the newest page again, as when first opened. */
export function backToLatest(s: ChatState, conv: Conversation): void {
	if (!conv.hasNewer) return;
	conv.reset();
	s.send({ type: 'get_history', ...target(conv), limit: HISTORY_PAGE });
}
