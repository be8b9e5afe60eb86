import type { ErrorContent } from '$lib/protocol/events';
import { itemKey } from '../../conversation.svelte';
import type { ChatState, Reducers } from '../state';
import { parseReason, parseUntil } from './moderation';

/** Errors that answer a send: the message they refuse is marked failed (except when rate limited). */
const SEND_ERRORS = [
	'muted',
	'too_large',
	'empty',
	'rate_limited',
	'forbidden',
	'not_found',
	'invalid_message'
];

function onError(s: ChatState, c: ErrorContent): void {
	const code = String(c.code ?? '');
	const message = s.opts.texts.error?.(c) ?? String(c.message ?? '');
	if (code === 'muted') {
		// `until` is a parameter of the error; servers before it only said it in words.
		const text = String(c.message ?? '');
		s.mute = {
			until: typeof c.until === 'number' ? c.until : (parseUntil(text) ?? s.now() / 1000 + 60),
			reason: s.mute?.reason || parseReason(text)
		};
	}
	if (!SEND_ERRORS.includes(code)) return;
	// The error names the send it refuses by its client_id. Servers before that answered
	// without one, in order, so then the oldest send in flight is the one that failed.
	const entry =
		typeof c.client_id === 'string' ? s.outbox.get(c.client_id) : s.outbox.oldestInFlight();
	if (entry && code !== 'rate_limited') {
		s.outbox.acknowledge(entry.clientId);
		const conv = s.conversations.get(entry.convKey);
		const key = itemKey(s.me.id, 0, entry.clientId);
		const item = conv?.items.find((x) => x.key === key);
		if (conv && item) conv.update(key, { ...item, pending: false, failed: message });
	}
	if (code !== 'muted') s.composerError = message;
}

export const errorReducers: Reducers = {
	error: (s, c) => onError(s, c)
};
