import type { NotifyLevel, NotifySetting } from '$lib/protocol/events';
import { mentionsRoom } from '$lib/protocol/message-rules';
import { dmKey, roomKey, type ChatItem, type Conversation } from '../conversation.svelte';
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

/**
 * Does a message mention the reader? Its `mentions` say so, except that an `@room` passes by a
 * room the reader silenced ("nothing" or muted), as the server's mention counts do.
 */
export function mentionsReader(
	conv: Conversation,
	item: Pick<ChatItem, 'mentions' | 'text'>,
	me: number
) {
	if (!item.mentions?.includes(me)) return false;
	const silenced = conv.kind === 'room' && (conv.muted || conv.level === 'nothing');
	return !(silenced && mentionsRoom(item.text ?? ''));
}

/** Should a message that just arrived raise a browser notification (its level allows it)? */
export function notifies(conv: Conversation, mentionsMe: boolean): boolean {
	if (conv.level === 'nothing') return false;
	return conv.level === 'all' || mentionsMe;
}

/** How many settings of conversations not held a page keeps (the oldest go first). */
const PENDING_MAX = 200;

/** A conversation just created on this page takes the setting another device sent for it. */
export function takePendingNotify(s: Pick<ChatState, 'pendingNotify'>, conv: Conversation): void {
	const setting = s.pendingNotify.get(conv.key);
	if (!setting) return;
	conv.notify = setting;
	s.pendingNotify.delete(conv.key);
}

export const notifyReducers: Pick<Reducers, 'notifications'> = {
	notifications(s, c) {
		const setting = notifyOf({ notify: c });
		if (!setting) return;
		const key =
			'room' in c && typeof c.room === 'string'
				? roomKey(c.room)
				: 'with' in c && typeof c.with === 'number'
					? dmKey(c.with)
					: null;
		if (!key) return;
		const conv = s.conversations.get(key);
		if (conv) {
			conv.notify = setting;
			return;
		}
		// A conversation this page does not hold yet (a DM without messages here, a room being
		// joined) takes it when it appears, so a message that arrives first obeys it.
		s.pendingNotify.delete(key);
		s.pendingNotify.set(key, setting);
		if (s.pendingNotify.size > PENDING_MAX)
			s.pendingNotify.delete(s.pendingNotify.keys().next().value!);
	}
};
