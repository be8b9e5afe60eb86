import type {
	MessageDeletedContent,
	MessageEditedContent,
	ReactionContent,
	ThreadContent,
	WireMessage,
	WireThread
} from '$lib/protocol/events';
import { dmKey, fromWire, roomKey, type Conversation } from '../../conversation.svelte';
import { edited, parentDeleted, reacted, withThread } from '../message-changes';
import type { ChatState, Reducers } from '../state';

/**
 * Messages that change (PROTOCOL.md §10): edits, deletions, reactions, thread summaries and
 * `get_thread`'s answer. A change to a message this page does not hold is ignored (the message
 * was deleted before we saw it, or lies in a page never loaded: its history brings it current).
 * Each change also moves the resume cursor: one sequence orders messages and changes alike.
 */

/** Moves the resume cursor past `seq`. */
export function applied(s: ChatState, seq: unknown): void {
	if (typeof seq === 'number' && seq > s.cursor) s.cursor = seq;
}

export function learnAuthors(s: ChatState, messages: WireMessage[]): void {
	for (const m of messages) s.known.learn(m.from_id, m.from_name, m.from_username);
}

/** The conversation a change names: `room`, or `with` (the peer as this user sees it). */
function conversationOf(
	s: ChatState,
	c: { room: string } | { with: number }
): Conversation | undefined {
	if ('with' in c && c.with != null) return s.conversations.get(dmKey(Number(c.with)));
	if ('room' in c && typeof c.room === 'string') return s.conversations.get(roomKey(c.room));
	return undefined;
}

/** The thread root's summary that a reply (or a reply's deletion) carries. */
export function threadSummary(s: ChatState, conv: Conversation, m: { thread?: WireThread }): void {
	const t = m.thread;
	if (!t || typeof t.root_id !== 'number') return;
	conv.patch(t.root_id, (root) => withThread(root, t));
	if (s.thread?.convKey === conv.key) s.thread.patch(t.root_id, (root) => withThread(root, t));
}

function onEdited(s: ChatState, c: MessageEditedContent): void {
	applied(s, c.seq);
	const id = Number(c.message_id);
	const conv = conversationOf(s, c);
	conv?.patch(id, (row) => edited(row, c));
	s.thread?.patch(id, (row) => edited(row, c));
}

function onDeleted(s: ChatState, c: MessageDeletedContent): void {
	applied(s, c.seq);
	const id = Number(c.message_id);
	const conv = conversationOf(s, c);
	if (conv) {
		conv.remove(id);
		conv.patchAll((row) => parentDeleted(row, id));
		threadSummary(s, conv, c);
	}
	if (s.thread && (!conv || s.thread.convKey === conv.key)) {
		s.thread.remove(id);
		s.thread.patchAll((row) => parentDeleted(row, id));
	}
}

function onReaction(s: ChatState, c: ReactionContent): void {
	applied(s, c.seq);
	const id = Number(c.message_id);
	if (typeof c.user_name === 'string') s.known.learn(Number(c.user_id), c.user_name);
	conversationOf(s, c)?.patch(id, (row) => reacted(row, c));
	s.thread?.patch(id, (row) => reacted(row, c));
}

/** `get_thread`'s answer: the root and a page of its replies, oldest first. */
function onThread(s: ChatState, c: ThreadContent): void {
	const thread = s.thread;
	const root = c.root;
	if (!thread || !root || typeof root.id !== 'number') return;
	const messages = Array.isArray(c.messages) ? c.messages : [];
	if (
		!thread.answers(
			root.id,
			messages.map((m) => m.id)
		)
	)
		return;
	learnAuthors(s, [root, ...messages]);
	thread.fill(
		fromWire(root, s.me.id),
		messages.map((m) => fromWire(m, s.me.id)),
		Boolean(c.has_more)
	);
}

export const changeReducers: Reducers = {
	message_edited: (s, c) => onEdited(s, c),
	message_deleted: (s, c) => onDeleted(s, c),
	reaction: (s, c) => onReaction(s, c),
	thread: (s, c) => onThread(s, c)
};
