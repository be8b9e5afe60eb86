import { describe, expect, it } from 'vitest';
import { ChatStore, parseUntil, TYPING_INTERVAL_MS } from '$lib/client/chat.svelte';
import { backoffDelay, ChatSocket, type SocketLike } from '$lib/client/socket.svelte';
import { ManualClock as Clock, wire } from '$lib/client/chat/testing';

/** A socket the test drives by hand: it records what the client sends. */
class FakeSocket implements SocketLike {
	readyState = 0;
	sent: Record<string, unknown>[] = [];
	onopen: ((ev: unknown) => void) | null = null;
	onmessage: ((ev: { data: unknown }) => void) | null = null;
	onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
	onerror: ((ev: unknown) => void) | null = null;
	send(data: string) {
		this.sent.push(JSON.parse(data));
	}
	close(code = 1000) {
		this.drop(code);
	}
	open() {
		this.readyState = 1;
		this.onopen?.({});
	}
	emit(event: Record<string, unknown>) {
		this.onmessage?.({ data: JSON.stringify({ timestamp: 1764100000, ...event }) });
	}
	drop(code = 1006) {
		this.readyState = 3;
		this.onclose?.({ code });
	}
	types() {
		return this.sent.map((m) => m.type);
	}
}

const ME = { id: 1, name: 'alice', isAdmin: false };
const texts = {
	memberJoined: (n: string) => `${n} joined`,
	memberLeft: (n: string) => `${n} left`,
	moderation: () => 'moderation'
};

function setup(opts: { watching?: boolean } = {}) {
	const clock = new Clock();
	const sockets: FakeSocket[] = [];
	const navigated: string[] = [];
	let ids = 0;
	const store = new ChatStore({
		me: ME,
		transport: { send: (m) => socket.send(m) },
		texts,
		navigate: (url) => navigated.push(url),
		isWatching: () => opts.watching ?? false,
		newClientId: () => `c${++ids}`,
		now: () => clock.now,
		setTimer: clock.set,
		clearTimer: clock.clear
	});
	const socket: ChatSocket = new ChatSocket({
		url: 'ws://test/ws',
		create: () => {
			const s = new FakeSocket();
			sockets.push(s);
			return s;
		},
		onEvent: (e) => store.handle(e),
		onOpen: (reconnect) => store.connected(reconnect),
		onFinalClose: () => navigated.push('/login'),
		random: () => 0.5,
		setTimer: clock.set,
		clearTimer: clock.clear
	});
	socket.start();
	const current = () => sockets[sockets.length - 1];
	/** Opens the current socket and plays the connection sequence. */
	const welcome = (messages: object[] = [], lastId = 0) => {
		current().open();
		current().emit({
			type: 'welcome',
			content: {
				user_id: 1,
				user_name: 'alice',
				is_admin: false,
				rooms: [
					{
						name: 'general',
						topic: 'Anything',
						members: 3,
						unread: 0,
						last_message_id: lastId,
						joined: true
					},
					{ name: 'random', topic: '', members: 2, unread: 0, last_message_id: null, joined: false }
				]
			}
		});
		current().emit({
			type: 'users',
			content: [{ id: 1, name: 'alice', connected_at: 0, is_admin: false }]
		});
		current().emit({ type: 'history', content: { room: 'general', messages, has_more: false } });
	};
	return { store, socket, clock, sockets, current, welcome, navigated };
}

describe('backoff', () => {
	it('starts near half a second, doubles, and stops at 30 s, with jitter in the upper half', () => {
		expect(backoffDelay(0, () => 0)).toBe(250);
		expect(backoffDelay(0, () => 1)).toBe(500);
		expect(backoffDelay(1, () => 1)).toBe(1000);
		expect(backoffDelay(3, () => 1)).toBe(4000);
		expect(backoffDelay(20, () => 1)).toBe(30_000);
		expect(backoffDelay(20, () => 0)).toBe(15_000);
	});
});

describe('ChatSocket', () => {
	it('reconnects with growing delays and reports its status', () => {
		const { socket, clock, sockets, current } = setup();
		expect(socket.status).toBe('connecting');
		current().open();
		expect(socket.status).toBe('connected');
		current().drop();
		expect(socket.status).toBe('reconnecting');
		expect(clock.timers[0].at - clock.now).toBe(375); // 0.5 s ceiling, jitter 0.5
		clock.advance(375);
		expect(sockets).toHaveLength(2);
		current().drop();
		expect(clock.timers[0].at - clock.now).toBe(750);
		clock.advance(750);
		current().open();
		expect(socket.status).toBe('connected');
		current().drop();
		// A successful connection resets the backoff.
		expect(clock.timers[0].at - clock.now).toBe(375);
	});

	it('does not come back after the session ended (4001)', () => {
		const { socket, clock, sockets, current, navigated } = setup();
		current().open();
		current().drop(4001);
		clock.advance(60_000);
		expect(sockets).toHaveLength(1);
		expect(socket.status).toBe('offline');
		expect(navigated).toEqual(['/login']);
	});
});

describe('ChatStore', () => {
	it('shows each message once, in id order, whatever way it arrives', () => {
		const { store, current, welcome } = setup();
		welcome([wire(5, 2, 'five'), wire(7, 2, 'seven')], 7);
		current().emit(wire(7, 2, 'seven again'));
		current().emit(wire(6, 3, 'six'));
		current().emit({
			type: 'history',
			content: {
				room: 'general',
				messages: [wire(4, 2, 'four'), wire(5, 2, 'five')],
				has_more: true
			}
		});
		expect(store.active.items.map((i) => i.id)).toEqual([4, 5, 6, 7]);
		expect(store.active.hasMore).toBe(true);
		expect(store.otherRooms.map((r) => r.name)).toEqual(['random']);
	});

	it('resumes after the last id seen and sends the outbox after reconnecting; the echo replaces the pending row', () => {
		const { store, clock, current, welcome } = setup();
		welcome([wire(10, 2, 'hi')], 10);
		current().emit(wire(11, 2, 'live'));
		current().drop();
		expect(store.sendText(store.active, 'written offline')).toBe(true);
		const pending = store.active.items.at(-1)!;
		expect(pending).toMatchObject({ pending: true, text: 'written offline', clientId: 'c1' });
		expect(store.outboxSize).toBe(1);

		clock.advance(1000);
		welcome([wire(10, 2, 'hi'), wire(11, 2, 'live'), wire(12, 3, 'meanwhile')], 12);
		const sent = current().sent;
		expect(sent[0]).toEqual({ type: 'resume', after_id: 11 });
		expect(sent[1]).toMatchObject({
			type: 'message',
			room: 'general',
			content: 'written offline',
			client_id: 'c1'
		});

		current().emit(wire(12, 3, 'meanwhile'));
		current().emit(wire(13, 1, 'written offline', { client_id: 'c1' }));
		current().emit({ type: 'resumed', content: { last_id: 13 } });
		const items = store.active.items;
		expect(items.map((i) => i.id)).toEqual([10, 11, 12, 13]);
		expect(items.at(-1)).toMatchObject({ key: pending.key, own: true });
		expect(items.at(-1)!.pending).toBeFalsy();
		expect(store.outboxSize).toBe(0);
		expect(store.cursor).toBe(13);
	});

	it('starts over from the newest page when the server could not resend everything', () => {
		const { store, current, welcome } = setup();
		welcome([wire(10, 2, 'old')], 10);
		current().drop();
		store.handle({ type: 'resumed', timestamp: 0, content: { last_id: 5000, truncated: true } });
		expect(store.active.items).toHaveLength(0);
		expect(store.active.loaded).toBe(false);
	});

	it('counts unread messages when not watching and reports reading', () => {
		const { store, current, welcome } = setup();
		welcome([], 0);
		current().emit(wire(20, 2, 'a'));
		current().emit(wire(21, 2, 'b'));
		expect(store.active.unread).toBe(2);
		expect(store.totalUnread).toBe(2);
		expect(store.active.dividerBefore).toBe(20);
		store.markRead(store.active, 21);
		expect(store.active.unread).toBe(0);
		expect(current().sent.at(-1)).toEqual({ type: 'read', message_id: 21 });
		store.markRead(store.active, 21);
		expect(current().sent.filter((m) => m.type === 'read')).toHaveLength(1);
	});

	it('does not count what the user is watching', () => {
		const { store, current, welcome } = setup({ watching: true });
		welcome([], 0);
		current().emit(wire(20, 2, 'a'));
		expect(store.active.unread).toBe(0);
	});

	it('puts direct messages in a conversation per peer and tracks "read"', () => {
		const { store, current, welcome } = setup();
		welcome();
		current().emit({
			type: 'private_message',
			id: 30,
			to_id: 1,
			from_id: 2,
			from_name: 'bob',
			content: 'psst'
		});
		current().emit({
			type: 'private_message_sent',
			id: 31,
			to_id: 2,
			to_name: 'bob',
			from_id: 1,
			from_name: 'alice',
			content: 'yes?'
		});
		const dm = store.conversations.get('u:2')!;
		expect(dm.name).toBe('bob');
		expect(dm.items.map((i) => i.id)).toEqual([30, 31]);
		expect(dm.unread).toBe(1);
		current().emit({
			type: 'message_read',
			content: { message_id: 31, room: null, with: 2, read_by: 2, read_by_name: 'bob', read_at: 1 }
		});
		expect(dm.peerReadId).toBe(31);
	});

	it('knows who has seen a room message', () => {
		const { store, current, welcome } = setup();
		welcome([wire(40, 1, 'mine')], 40);
		current().emit({
			type: 'message_read',
			content: { message_id: 40, room: 'general', read_by: 2, read_by_name: 'bob', read_at: 1 }
		});
		store.requestReceipts(store.active, 40);
		current().emit({
			type: 'receipts',
			content: { message_id: 40, read_by: [{ user_id: 3, name: 'carol', read_at: 1 }] }
		});
		expect(store.active.seenBy(40, 1).sort()).toEqual(['bob', 'carol']);
	});

	it('sends typing at most every few seconds and stops on send', () => {
		const { store, clock, current, welcome } = setup();
		welcome();
		store.typed(store.active);
		store.typed(store.active);
		clock.advance(1000);
		store.typed(store.active);
		const typing = () => current().sent.filter((m) => m.type === 'typing');
		expect(typing()).toEqual([{ type: 'typing', is_typing: true, room: 'general' }]);
		clock.advance(TYPING_INTERVAL_MS);
		store.typed(store.active);
		expect(typing()).toHaveLength(2);
		store.sendText(store.active, 'done');
		expect(typing().at(-1)).toEqual({ type: 'typing', is_typing: false, room: 'general' });
	});

	it('shows who is typing until they stop or it times out', () => {
		const { store, clock, current, welcome } = setup();
		welcome();
		current().emit({
			type: 'typing',
			content: { user_id: 2, user_name: 'bob', is_typing: true, room: 'general' }
		});
		current().emit({
			type: 'typing',
			content: { user_id: 3, user_name: 'carol', is_typing: true, room: 'general' }
		});
		expect(store.active.typing.map((t) => t.name)).toEqual(['bob', 'carol']);
		current().emit({
			type: 'typing',
			content: { user_id: 2, user_name: 'bob', is_typing: false, room: 'general' }
		});
		expect(store.active.typing.map((t) => t.name)).toEqual(['carol']);
		clock.advance(10_000);
		expect(store.active.typing).toEqual([]);
	});

	it('follows mutes from events and from a muted error, and leaves on kick', () => {
		const { store, clock, current, welcome, navigated } = setup();
		welcome();
		const until = Math.floor(clock.now / 1000) + 60;
		current().emit({ type: 'muted', content: { until, reason: 'spam' } });
		expect(store.isMuted).toBe(true);
		expect(store.sendText(store.active, 'x')).toBe(false);
		current().emit({ type: 'unmuted', content: {} });
		expect(store.isMuted).toBe(false);

		store.sendText(store.active, 'too soon');
		const iso = new Date((until + 60) * 1000).toISOString();
		current().emit({
			type: 'error',
			content: { code: 'muted', message: `You are muted until ${iso} (flood)` }
		});
		expect(store.mute).toEqual({ until: until + 60, reason: 'flood' });
		expect(store.active.items.at(-1)).toMatchObject({ failed: expect.stringContaining('muted') });

		current().emit({ type: 'kicked', content: { reason: 'be nice', by: 'admin' } });
		// Only a code in the URL: the admin's words travel in sessionStorage (login-notice.ts).
		expect(navigated).toEqual(['/login?reason=kicked']);
	});

	it('shows server errors next to the composer', () => {
		const { store, current, welcome } = setup();
		welcome();
		store.sendText(store.active, 'x'.repeat(5000));
		current().emit({ type: 'error', content: { code: 'too_large', message: 'Message too long' } });
		expect(store.composerError).toBe('Message too long');
		expect(store.outboxSize).toBe(0);
	});

	it('joins rooms and pages older history with before', () => {
		const { store, current, welcome } = setup();
		welcome([wire(50, 2, 'x')], 50);
		store.joinRoom('random');
		expect(current().sent.at(-1)).toEqual({ type: 'join_room', room: 'random' });
		current().emit({
			type: 'room_joined',
			content: {
				room: 'random',
				topic: 't',
				history: { messages: [{ ...wire(45, 2, 'r'), room: 'random' }], has_more: true }
			}
		});
		expect(store.activeKey).toBe('r:random');
		expect(store.otherRooms).toEqual([]);
		store.loadOlder(store.active);
		expect(current().sent.at(-1)).toEqual({
			type: 'get_history',
			room: 'random',
			before: 45,
			limit: 50
		});
	});
});

describe('text', () => {
	it('reads the end of a mute from the error message', () => {
		expect(parseUntil('You are muted until 2026-11-25T22:00:00.000Z (spam)')).toBe(
			Date.parse('2026-11-25T22:00:00.000Z') / 1000
		);
		expect(parseUntil('You are muted')).toBeNull();
	});
});
