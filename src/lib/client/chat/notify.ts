import type { NotifyLevel, NotifySetting } from '$lib/protocol/events';
import { dmKey, roomKey, type Conversation } from '../conversation.svelte';
import type { ChatState, Reducers } from './state';

/** A summary's notification setting (absent, or from an older server: the defaults). */
export function notifyOf(summary: object): NotifySetting | null {
	const n = (summary as { notify?: unknown }).notify;
	if (!n || typeof n !== 'object') return null;
	const { level, muted } = n as { level?: unknown; muted?: unknown };
	if (level !== 'all' && level !== 'mentions' && level !== 'nothing') return null;
	return { level, muted: muted === true };
}

/**
 * Changes this conversation's setting: shown at once, sent as `set_notifications`; the
 * server's `notifications` (on every tab and device of the user) then confirms it.
 */
export function setNotify(
	s: ChatState,
	conv: Conversation,
	change: { level?: NotifyLevel; muted?: boolean }
): void {
	const next = { level: change.level ?? conv.level, muted: change.muted ?? conv.muted };
	conv.notify = next;
	const place = conv.kind === 'room' ? { room: conv.target } : { with: conv.target };
	s.send({ type: 'set_notifications', ...place, ...change });
}

/** Should a message that just arrived raise a browser notification (its level allows it)? */
export function notifies(conv: Conversation, mentionsMe: boolean): boolean {
	if (conv.level === 'nothing') return false;
	return conv.level === 'all' || mentionsMe;
}

export const notifyReducers: Pick<Reducers, 'notifications'> = {
	notifications(s, c) {
		const setting = notifyOf({ notify: c });
		if (!setting) return;
		// A conversation this page does not hold gets it with its summary on the next load.
		const key =
			'room' in c && typeof c.room === 'string'
				? roomKey(c.room)
				: 'with' in c && typeof c.with === 'number'
					? dmKey(c.with)
					: null;
		const conv = key && s.conversations.get(key);
		if (conv) conv.notify = setting;
	}
};
