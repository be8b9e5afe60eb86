import type { HistoryContent, WireMessage } from '$lib/protocol/events';
import { fromWire, type Conversation } from '../../conversation.svelte';
import type { ChatState, Reducers } from '../state';
import { refreshed } from '../message-changes';
import { mentionsReader } from '../notify';
import { applied, learnAuthors, threadSummary } from './changes';
import { addModeration } from './moderation';

/** Messages, history pages and the answer to `resume`. */

function seen(s: ChatState, messages: WireMessage[]): void {
	for (const m of messages) applied(s, m.id);
	learnAuthors(s, messages);
}

export function onHistory(s: ChatState, c: HistoryContent): void {
	const conv = 'with' in c ? s.direct(Number(c.with)) : s.room(String(c.room ?? 'general'));
	const messages = Array.isArray(c.messages) ? c.messages : [];
	const oldestBefore = conv.oldestId;
	const wasLoaded = conv.loaded;
	const rows = messages.map((m) => fromWire(m, s.me.id));
	// A page is the messages' current state: rows held already take it (edits, reactions).
	for (const row of rows) if (row.id !== null) conv.patch(row.id, (held) => refreshed(held, row));
	const added = conv.merge(rows);
	seen(s, messages);
	const pageOldest = messages.length ? messages[0].id : null;
	// has_more speaks about what lies before this page: it matters when the page is the oldest we hold.
	if (oldestBefore === null || pageOldest === null || pageOldest <= oldestBefore)
		conv.hasMore = Boolean(c.has_more);
	conv.loadingOlder = false;
	conv.loaded = true;
	// Pages read around or after a message say whether newer ones exist: the last such page
	// reaches the present, and what came live meanwhile joins the rows.
	if (typeof c.has_newer === 'boolean' && conv.hasNewer) {
		conv.loadingNewer = false;
		const pageNewest = messages.at(-1)?.id ?? 0;
		if (!c.has_newer && pageNewest >= (conv.newestId ?? 0)) conv.attach();
	}
	if (!wasLoaded && conv.unread && !conv.dividerBefore) s.placeDivider(conv);
	// #general's pages bring the moderation notices that fall among their messages.
	if ('notices' in c && Array.isArray(c.notices))
		for (const n of c.notices) addModeration(s, conv, n);
	if (conv.kind === 'dm' && !wasLoaded) {
		// A DM peer's name is in the messages even when the peer is offline.
		const theirs = added.find((m) => !m.own);
		if (theirs) conv.name = theirs.fromName;
	}
}

function onMessage(s: ChatState, m: WireMessage): void {
	if (typeof m.id !== 'number') return;
	let conv: Conversation;
	// A file keeps its type in a DM too (PROTOCOL.md §12): `to_id` without `room` says DM.
	const dm = m.room === undefined && m.to_id !== undefined;
	const sent = m.type === 'private_message_sent' || (dm && m.from_id === s.me.id);
	if (sent) conv = s.direct(m.to_id ?? 0, m.to_name || undefined);
	else if (dm) conv = s.direct(m.from_id, m.from_name);
	else conv = s.room(m.room ?? 'general');
	const item = fromWire(m, s.me.id);
	if (m.client_id && item.own) s.outbox.acknowledge(m.client_id);
	const added = conv.live(item);
	seen(s, [m]);
	// A reply brings its thread root's new reply count (absolute: a replay sets the same).
	threadSummary(s, conv, m);
	if (!added.length || item.own) return;
	conv.setTyping({ id: m.from_id, name: m.from_name }, false);
	if (!s.watching(conv)) {
		if (!conv.unread && !conv.dividerBefore) conv.dividerBefore = item.id!;
		conv.unread++;
		if (mentionsReader(conv, item, s.me.id)) conv.mentions++;
	}
	s.opts.onIncoming?.(conv, item);
}

/** More than the server resends were missed: start every conversation again from its newest page. */
function onTruncated(s: ChatState): void {
	for (const conv of s.conversations.values()) conv.reset();
	s.requestLatest(s.active);
}

/** A message object is the event itself: it has no envelope. */
const message = (s: ChatState, _content: unknown, m: WireMessage) => onMessage(s, m);

export const messageReducers: Reducers = {
	history: (s, c) => onHistory(s, c),
	message,
	image: message,
	file: message,
	private_message: message,
	private_message_sent: message,
	resumed: (s, c) => {
		if (c.truncated) onTruncated(s);
	}
};
