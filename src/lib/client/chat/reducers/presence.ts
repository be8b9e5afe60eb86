import type { OnlineUser, PresenceContent } from '$lib/protocol/events';
import { dmKey } from '../../conversation.svelte';
import { applyDelta, applyPage } from '../online-list';
import type { ChatState, Reducers } from '../state';

/**
 * Presence and users: who is online, and names that change. Version 1 `join`/`leave` and the
 * large-community `presence`/`users_page` events (docs/protocol.md, "Large communities"); the
 * roster (../roster.svelte.ts) decides what is watched and paged.
 */

function stopTyping(s: ChatState, id: number): void {
	for (const conv of s.conversations.values()) conv.setTyping({ id, name: '' }, false);
}

const users = (v: unknown): OnlineUser[] => (Array.isArray(v) ? v : []);
const ids = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : []);

function onPresence(s: ChatState, c: PresenceContent, online: boolean): void {
	const id = Number(c.user_id);
	const rest = s.online.filter((u) => u.id !== id);
	// `join` carries no role; a server that adds it is believed.
	const isAdmin = 'is_admin' in c && c.is_admin === true;
	s.online = online
		? [...rest, { id, name: String(c.user_name), connected_at: 0, is_admin: isAdmin }]
		: rest;
	if (!online) stopTyping(s, id);
	s.roster.counted(c.users_online);
}

function onRenamed(s: ChatState, userId: number, name: string): void {
	s.online = s.online.map((u) => (u.id === userId ? { ...u, name } : u));
	const dm = s.conversations.get(dmKey(userId));
	if (dm) dm.name = name;
}

export const presenceReducers: Reducers = {
	users: (s, list) => s.roster.users(s, users(list)),
	presence: (s, c) => {
		const gone = ids(c.offline);
		s.online = applyDelta(s.online, users(c.online), gone);
		for (const id of gone) stopTyping(s, id);
		s.roster.presence(s, c.users_online);
	},
	users_page: (s, c) => {
		const from = s.roster.pageFrom;
		// A page nobody is waiting for (the list closed meanwhile) would bring the big list back.
		if (from === null) return;
		const next = typeof c.next_after_id === 'number' ? c.next_after_id : null;
		const page = users(c.users);
		s.online = applyPage(s.online, page, from, next);
		s.roster.counted(c.users_online);
		s.roster.paged(s, page.length, next);
	},
	join: (s, c) => onPresence(s, c, true),
	leave: (s, c) => onPresence(s, c, false),
	name_changed: (s, c) => {
		s.me = { ...s.me, name: String(c.new_name) };
	},
	user_renamed: (s, c) => onRenamed(s, Number(c.user_id), String(c.new_name))
};
