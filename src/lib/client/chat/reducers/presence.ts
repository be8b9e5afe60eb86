import type { PresenceContent } from '$lib/protocol/events';
import { dmKey } from '../../conversation.svelte';
import type { ChatState, Reducers } from '../state';

/** Presence and users: who is online, and names that change. */

function onPresence(s: ChatState, c: PresenceContent, online: boolean): void {
	const id = Number(c.user_id);
	const rest = s.online.filter((u) => u.id !== id);
	// `join` carries no role; a server that adds it is believed.
	const isAdmin = 'is_admin' in c && c.is_admin === true;
	s.online = online
		? [...rest, { id, name: String(c.user_name), connected_at: 0, is_admin: isAdmin }]
		: rest;
	if (!online) for (const conv of s.conversations.values()) conv.setTyping({ id, name: '' }, false);
}

function onRenamed(s: ChatState, userId: number, name: string): void {
	s.online = s.online.map((u) => (u.id === userId ? { ...u, name } : u));
	const dm = s.conversations.get(dmKey(userId));
	if (dm) dm.name = name;
}

export const presenceReducers: Reducers = {
	users: (s, list) => {
		s.online = Array.isArray(list) ? list : [];
	},
	join: (s, c) => onPresence(s, c, true),
	leave: (s, c) => onPresence(s, c, false),
	name_changed: (s, c) => {
		s.me = { ...s.me, name: String(c.new_name) };
	},
	user_renamed: (s, c) => onRenamed(s, Number(c.user_id), String(c.new_name))
};
