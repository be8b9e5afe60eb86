import type { ModerationNotice } from '$lib/protocol/admin';
import type { ModerationEvent } from '$lib/protocol/events';
import { roomKey, type Conversation } from '../../conversation.svelte';
import { loginUrl } from '../../login-notice';
import type { ChatState, Reducers } from '../state';

/** Moderation: being kicked, banned or muted, and the notices of what moderators did. */

export function reasonOf(c: { reason?: unknown }): string {
	return typeof c.reason === 'string' ? c.reason : '';
}

/** "You are muted until 2026-11-25T22:00:00.000Z (spam)" → the end, in unix seconds. */
export function parseUntil(message: string): number | null {
	const iso = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/.exec(message);
	if (!iso) return null;
	const ms = Date.parse(iso[0]);
	return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/** "… (spam)" → "spam": the reason, as servers before error parameters only said it in words. */
export function parseReason(message: string): string {
	const m = /\(([^)]*)\)\s*$/.exec(message);
	return m ? m[1] : '';
}

/** One notice per audit entry, whether it came live, with history, or both. */
export function addModeration(
	s: ChatState,
	conv: Conversation,
	c: Partial<ModerationNotice>
): void {
	const timestamp = Number(c.timestamp) || Math.floor(s.now() / 1000);
	conv.notice(s.opts.texts.moderation(c), timestamp, {
		key: typeof c.id === 'number' ? `mod:${c.id}` : undefined,
		afterId: typeof c.after_id === 'number' ? c.after_id : undefined
	});
}

/** A live notice: it belongs to the event's room (#general), the one it is shown in. */
function onModeration(s: ChatState, c: ModerationNotice, event: ModerationEvent): void {
	const conv =
		typeof event.room === 'string' ? s.conversations.get(roomKey(event.room)) : s.room('general');
	if (conv) addModeration(s, conv, { ...c, timestamp: c.timestamp ?? event.timestamp });
}

export const moderationReducers: Reducers = {
	kicked: (s, c) => s.opts.navigate(loginUrl('kicked', reasonOf(c))),
	banned: (s, c) => s.opts.navigate(loginUrl('banned', reasonOf(c))),
	muted: (s, c) => {
		s.mute = { until: Number(c.until), reason: reasonOf(c) };
	},
	unmuted: (s) => {
		s.mute = null;
	},
	moderation: (s, c, event) => onModeration(s, c, event)
};
