import type { MessageEditedContent, ReactionContent, WireThread } from '$lib/protocol/events';
import type { ChatItem, Reaction } from '../conversation.svelte';

/**
 * What each change of PROTOCOL.md §10 does to one message row, as pure functions: a row in, a
 * row out (the same object when nothing changed, so no re-render). Every change carries
 * absolute values (the text, a reaction's count, a thread's reply count), so applying one
 * twice — a live event and its replay after `resume` — leaves the same row.
 */

// Contents come from the server unchecked: each field is read defensively.

export function edited(item: ChatItem, c: MessageEditedContent): ChatItem {
	if (typeof c.content !== 'string') return item;
	return {
		...item,
		text: c.content,
		editedAt: typeof c.edited_at === 'number' ? c.edited_at : (item.editedAt ?? null),
		mentions: Array.isArray(c.mentions) ? c.mentions : item.mentions
	};
}

/** `count` is the emoji's count after the change: set it; the user joins or leaves its list. */
export function reacted(item: ChatItem, c: ReactionContent): ChatItem {
	const emoji = String(c.emoji ?? '');
	if (!emoji) return item;
	const userId = Number(c.user_id);
	const on = c.on !== false;
	const reactions = item.reactions ?? [];
	const index = reactions.findIndex((r) => r.emoji === emoji);
	const held = index >= 0 ? reactions[index] : { emoji, count: 0, userIds: [] };
	const others = held.userIds.filter((id) => id !== userId);
	const count = typeof c.count === 'number' ? c.count : Math.max(0, others.length + (on ? 1 : 0));
	const next: Reaction = { emoji, count, userIds: on ? [...others, userId] : others };
	const list = [...reactions];
	if (count <= 0) {
		if (index < 0) return item;
		list.splice(index, 1);
	} else if (index < 0) list.push(next);
	else list[index] = next;
	return { ...item, reactions: list };
}

/** A thread root's reply count and newest reply time, as the event says they are now. */
export function withThread(item: ChatItem, t: WireThread): ChatItem {
	const replyCount = Number(t.reply_count ?? 0);
	const lastReplyAt = typeof t.last_reply_at === 'number' ? t.last_reply_at : undefined;
	if (item.replyCount === replyCount && item.lastReplyAt === lastReplyAt) return item;
	return { ...item, replyCount, lastReplyAt };
}

/** A reply whose parent was deleted quotes nothing any more. */
export function parentDeleted(item: ChatItem, parentId: number): ChatItem {
	if (item.replyTo?.id !== parentId || item.replyTo.deleted) return item;
	return { ...item, replyTo: { id: parentId, deleted: true } };
}

const CHANGING: (keyof ChatItem)[] = [
	'text',
	'editedAt',
	'reactions',
	'mentions',
	'replyTo',
	'replyCount',
	'lastReplyAt'
];

/**
 * A row held already, refreshed from a message object in its current state (a history page,
 * a thread page): the server answered after every event before it on this socket, so its
 * state is at least as new as the row's.
 */
export function refreshed(held: ChatItem, fresh: ChatItem): ChatItem {
	let changed = false;
	const next = { ...held };
	for (const field of CHANGING) {
		if (JSON.stringify(held[field]) === JSON.stringify(fresh[field])) continue;
		changed = true;
		(next as Record<string, unknown>)[field] = fresh[field];
	}
	return changed ? next : held;
}

/** Has `userId` reacted with this emoji (as far as the list of the first 50 tells)? */
export function reactedBy(r: Reaction, userId: number): boolean {
	return r.userIds.includes(userId);
}
