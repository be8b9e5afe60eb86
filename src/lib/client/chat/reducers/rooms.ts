import type {
	MemberContent,
	MutedContent,
	RoomCreatedContent,
	RoomUpdatedContent,
	RoomJoinedContent,
	RoomSummary,
	WelcomeContent
} from '$lib/protocol/events';
import { roomKey, type Conversation } from '../../conversation.svelte';
import type { ChatState, Reducers } from '../state';
import { notifyOf } from '../notify';
import { onHistory } from './messages';
import { reasonOf } from './moderation';

/** Rooms and membership: the welcome, room summaries, creating, joining and leaving. */

type Summary = RoomSummary & { joined?: boolean };

function onWelcome(s: ChatState, c: WelcomeContent): void {
	s.me = {
		id: Number(c.user_id),
		name: String(c.user_name),
		isAdmin: Boolean(c.is_admin)
	};
	// A welcome may carry the mute (this server sends a `muted` event after it instead).
	const muted: unknown = 'muted' in c ? c.muted : undefined;
	if (muted && typeof muted === 'object') {
		const m = muted as Partial<MutedContent>;
		s.mute = { until: Number(m.until), reason: reasonOf(m) };
	}
	const summaries: Summary[] = Array.isArray(c.rooms) ? c.rooms : [];
	onRooms(s, summaries);
	if (!s.welcomed) {
		// Everything committed after the welcome reaches us live; older messages come from history.
		for (const r of summaries) s.cursor = Math.max(s.cursor, r.last_message_id ?? 0);
	}
	s.welcomed = true;
	const stats: unknown = c.server_stats;
	s.roster.welcomed(
		s,
		'presence_broadcast_max' in c ? c.presence_broadcast_max : undefined,
		stats && typeof stats === 'object' ? (stats as { users_online?: unknown }).users_online : 0
	);
}

/** Unread mentions in a summary (servers before §10 send none). */
export function mentionsOf(summary: object): number {
	const n = (summary as { mentions?: unknown }).mentions;
	return typeof n === 'number' ? n : 0;
}

export function onRooms(s: ChatState, summaries: Summary[]): void {
	const others: RoomSummary[] = [];
	const joined = new Set<string>();
	for (const r of summaries) {
		if (r.joined === false) {
			if (!r.archived) others.push(r);
			continue;
		}
		joined.add(r.name);
		const conv = s.room(r.name);
		conv.topic = r.topic ?? '';
		conv.members = r.members;
		conv.isPrivate = r.private === true;
		conv.createdBy = r.created_by ?? null;
		conv.archived = r.archived === true;
		// The server's count is authoritative, except for the room being read right now.
		conv.unread = s.watching(conv) ? 0 : r.unread;
		conv.mentions = s.watching(conv) ? 0 : mentionsOf(r);
		conv.notify = notifyOf(r);
		if (conv.unread && !conv.dividerBefore && conv.loaded) s.placeDivider(conv);
	}
	for (const conv of s.rooms) if (!joined.has(conv.name) && summaries.length) s.drop(conv);
	s.otherRooms = others;
}

function onRoomCreated(s: ChatState, c: RoomCreatedContent, fromId?: number): void {
	const name = String(c.name);
	if (fromId === s.me.id || s.conversations.has(roomKey(name))) return;
	if (s.otherRooms.some((r) => r.name === name)) return;
	s.otherRooms = [
		...s.otherRooms,
		{ name, topic: String(c.topic ?? ''), members: 0, unread: 0, last_message_id: null }
	];
}

function onRoomJoined(s: ChatState, c: RoomJoinedContent): void {
	const name = String(c.room);
	const conv = s.room(name);
	if (typeof c.topic === 'string') conv.topic = c.topic;
	conv.isPrivate = c.private === true;
	conv.createdBy = c.created_by ?? null;
	conv.archived = c.archived === true;
	s.otherRooms = s.otherRooms.filter((r) => r.name !== name);
	const history = c.history ?? { messages: [], has_more: false };
	onHistory(s, { room: name, messages: history.messages, has_more: history.has_more });
	if (!conv.members) conv.members = 1;
	// An invitation adds the room to the list; it does not take the invitee away from what
	// they are reading.
	if (!c.invited_by) s.open(conv.key);
}

function onLeft(s: ChatState, name: string): void {
	const conv = s.conversations.get(roomKey(name));
	if (conv) s.drop(conv);
	s.send({ type: 'get_rooms' });
}

function onMember(s: ChatState, c: MemberContent, joined: boolean, timestamp: number): void {
	const name = String(c.room);
	const userId = Number(c.user_id);
	// The server says how many members the room has now; older servers only that one came or went.
	const count = (conv: Conversation) =>
		typeof c.members === 'number' ? c.members : Math.max(0, conv.members + (joined ? 1 : -1));
	if (userId === s.me.id) {
		// This tab or another of ours joined or left: follow it.
		if (joined) {
			const conv = s.room(name);
			conv.members = typeof c.members === 'number' ? c.members : conv.members;
			s.otherRooms = s.otherRooms.filter((r) => r.name !== name);
			if (!conv.loaded) s.requestLatest(conv);
		} else onLeft(s, name);
		return;
	}
	const conv = s.conversations.get(roomKey(name));
	if (!conv) return;
	conv.members = count(conv);
	const who = String(c.user_name);
	conv.notice(joined ? s.opts.texts.memberJoined(who) : s.opts.texts.memberLeft(who), timestamp);
}

/** A room's settings changed (issue 15): its row, or its place among the rooms on offer. */
function onRoomUpdated(s: ChatState, c: RoomUpdatedContent): void {
	const name = String(c.room);
	const topic = String(c.topic ?? '');
	const conv = s.conversations.get(roomKey(name));
	if (conv) {
		conv.topic = topic;
		conv.isPrivate = c.private === true;
		conv.archived = c.archived === true;
		return;
	}
	const offered = s.otherRooms.find((r) => r.name === name);
	const others = s.otherRooms.filter((r) => r.name !== name);
	// A room made private or archived leaves the offer; one made public (or unarchived) joins it.
	s.otherRooms =
		c.private || c.archived
			? others
			: [
					...others,
					{ name, topic, members: offered?.members ?? 0, unread: 0, last_message_id: null }
				];
}

export const roomReducers: Reducers = {
	welcome: (s, c) => onWelcome(s, c),
	rooms: (s, list) => onRooms(s, Array.isArray(list) ? list : []),
	room_created: (s, c, event) => onRoomCreated(s, c, event.from_id),
	room_joined: (s, c) => onRoomJoined(s, c),
	room_updated: (s, c) => onRoomUpdated(s, c),
	room_left: (s, c) => onLeft(s, String(c.room)),
	member_joined: (s, c, event) => onMember(s, c, true, event.timestamp),
	member_left: (s, c, event) => onMember(s, c, false, event.timestamp)
};
