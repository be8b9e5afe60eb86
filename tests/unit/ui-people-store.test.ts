import { describe, expect, it } from 'vitest';
import { ChatStore } from '$lib/client/chat.svelte';

/** The chat store's side of issue 16 items 3 and 7: notices from history, errors by code. */

const texts = {
	kicked: (r: string) => `kicked ${r}`,
	banned: (r: string) => `banned ${r}`,
	memberJoined: (n: string) => `${n} joined`,
	memberLeft: (n: string) => `${n} left`,
	moderation: (c: Record<string, unknown>) => `${c.action} ${c.target_name}`,
	error: (c: Record<string, unknown>) => `[${c.code}:${c.max ?? c.retry_after ?? ''}]`
};

function store() {
	const sent: Record<string, unknown>[] = [];
	const s = new ChatStore({
		me: { id: 1, name: 'alice', isAdmin: false },
		transport: { send: (m) => (sent.push(m as Record<string, unknown>), true) },
		texts,
		navigate: () => {},
		newClientId: () => `c${sent.length}`
	});
	return { s, sent };
}

const msg = (id: number) => ({
	type: 'message',
	id,
	room: 'general',
	from_id: 2,
	from_name: 'bob',
	content: `m${id}`,
	timestamp: 1764100000
});

describe('moderation notices in the store', () => {
	it('history notices sit after their message and are not doubled by the live one', () => {
		const { s } = store();
		const notice = { id: 7, action: 'kick', target_name: 'carol', timestamp: 1764100001 };
		// Live first (before the page came), then the page with the same audit entry.
		s.handle({ type: 'moderation', timestamp: 1764100001, room: 'general', content: notice });
		s.handle({
			type: 'history',
			timestamp: 1764100002,
			content: {
				room: 'general',
				messages: [msg(10), msg(11)],
				has_more: false,
				notices: [{ ...notice, after_id: 10 }]
			}
		});
		const rows = s.room('general').items.map((x) => x.text);
		expect(rows).toEqual(['m10', 'kick carol', 'm11']);
	});
});

describe('errors by code and parameters', () => {
	it('the composer error is worded by the page from code and parameters', () => {
		const { s } = store();
		s.sendText(s.room('general'), 'x');
		s.handle({
			type: 'error',
			timestamp: 1,
			content: { code: 'too_large', message: 'Message is too long', max: 50 }
		});
		expect(s.composerError).toBe('[too_large:50]');
		expect(s.room('general').items[0].failed).toBe('[too_large:50]');
	});

	it('a muted error ends the mute at its until, not at a time read from the text', () => {
		const { s } = store();
		const until = Math.floor(Date.now() / 1000) + 600;
		s.handle({
			type: 'error',
			timestamp: 1,
			content: { code: 'muted', message: 'You are muted (no time in these words)', until }
		});
		expect(s.mute?.until).toBe(until);
		expect(s.isMuted).toBe(true);
	});
});
