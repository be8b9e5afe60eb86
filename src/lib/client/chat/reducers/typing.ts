import { dmKey, roomKey } from '../../conversation.svelte';
import type { Reducers } from '../state';

/** Other people's typing (our own is sent by ../typing's TypingSender). */
export const typingReducers: Reducers = {
	typing: (s, c) => {
		const userId = Number(c.user_id);
		if (userId === s.me.id) return;
		const conv =
			'with' in c
				? s.conversations.get(dmKey(Number(c.with)))
				: s.conversations.get(roomKey(String(c.room)));
		if (!conv) return;
		s.remoteTyping.set(conv, { id: userId, name: String(c.user_name) }, Boolean(c.is_typing));
	}
};
