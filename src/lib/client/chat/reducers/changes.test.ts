import { describe, expect, it } from 'vitest';
import { harness, wire } from '../testing';
import { changeReducers } from './changes';
import { errorReducers } from './errors';
import { messageReducers } from './messages';

/** A store holding #general with messages 10 (bob's) and 11 (ours). */
function withMessages(opts: { watching?: boolean } = {}) {
	const h = harness(opts);
	h.apply(messageReducers, 'history', {
		room: 'general',
		messages: [wire(10, 2, 'hello @alice', { mentions: [1] }), wire(11, 1, 'hi bob')],
		has_more: false
	});
	return { ...h, general: h.store.room('general') };
}

describe('change reducers', () => {
	it('an edit replaces the text, marks the time and moves the cursor to its seq', () => {
		const { store, apply, general } = withMessages();
		apply(changeReducers, 'message_edited', {
			message_id: 11,
			room: 'general',
			content: 'hi bob!',
			edited_at: 1764100100,
			mentions: [],
			seq: 15
		});
		const row = general.byId(11)!;
		expect(row.text).toBe('hi bob!');
		expect(row.editedAt).toBe(1764100100);
		expect(store.cursor).toBe(15);
		// The replay of the same change after `resume` leaves the same row.
		apply(changeReducers, 'message_edited', {
			message_id: 11,
			room: 'general',
			content: 'hi bob!',
			edited_at: 1764100100,
			mentions: [],
			seq: 15
		});
		expect(general.byId(11)).toEqual(row);
	});

	it('a deletion removes the row, marks replies quoting it, and a late page cannot bring it back', () => {
		const { store, apply, general } = withMessages();
		apply(messageReducers, 'message', undefined, {
			...wire(12, 2, 're', {
				reply_to: { id: 11, from_id: 1, from_name: 'alice', excerpt: 'hi bob' }
			}),
			thread: { root_id: 11, reply_count: 1, last_reply_at: 1764100050 }
		});
		expect(general.byId(11)!.replyCount).toBe(1);
		expect(general.byId(12)!.threadRoot).toBe(11);
		apply(changeReducers, 'message_deleted', { message_id: 11, room: 'general', seq: 13 });
		expect(general.items.map((x) => x.id)).toEqual([10, 12]);
		expect(general.byId(12)!.replyTo).toEqual({ id: 11, deleted: true });
		expect(store.cursor).toBe(13);
		// A history page sent before the deletion still had it.
		apply(messageReducers, 'history', {
			room: 'general',
			messages: [wire(11, 1, 'hi bob')],
			has_more: false
		});
		expect(general.items.map((x) => x.id)).toEqual([10, 12]);
	});

	it('deleting a reply sets its root reply count from the event', () => {
		const { apply, general } = withMessages();
		apply(messageReducers, 'message', undefined, {
			...wire(12, 2, 're', { reply_to: { id: 10, from_id: 2, from_name: 'user2', excerpt: 'x' } }),
			thread: { root_id: 10, reply_count: 1, last_reply_at: 1764100050 }
		});
		expect(general.byId(10)!.replyCount).toBe(1);
		apply(changeReducers, 'message_deleted', {
			message_id: 12,
			room: 'general',
			seq: 14,
			thread: { root_id: 10, reply_count: 0 }
		});
		expect(general.byId(10)!.replyCount).toBe(0);
		expect(general.byId(10)!.lastReplyAt).toBeUndefined();
	});

	it('reactions take the absolute count, track who reacted, drop at zero, and are idempotent', () => {
		const { store, apply, general } = withMessages();
		const react = (user: number, on: boolean, count: number, seq: number) =>
			apply(changeReducers, 'reaction', {
				message_id: 10,
				room: 'general',
				emoji: '👍',
				user_id: user,
				user_name: `user${user}`,
				on,
				count,
				seq
			});
		react(1, true, 1, 20);
		react(3, true, 2, 21);
		react(3, true, 2, 21);
		expect(general.byId(10)!.reactions).toEqual([{ emoji: '👍', count: 2, userIds: [1, 3] }]);
		expect(store.nameOf(3)).toBe('user3');
		react(1, false, 1, 22);
		expect(general.byId(10)!.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [3] }]);
		react(3, false, 0, 23);
		expect(general.byId(10)!.reactions).toEqual([]);
		expect(store.cursor).toBe(23);
	});

	it('a chip click toggles our own reaction', () => {
		const { store, apply, sent, general } = withMessages();
		store.toggleReaction(general.byId(10)!, '🎉');
		expect(sent.at(-1)).toMatchObject({ type: 'react', message_id: 10, emoji: '🎉', on: true });
		apply(changeReducers, 'reaction', {
			message_id: 10,
			room: 'general',
			emoji: '🎉',
			user_id: 1,
			user_name: 'alice',
			on: true,
			count: 1,
			seq: 30
		});
		store.toggleReaction(general.byId(10)!, '🎉');
		expect(sent.at(-1)).toMatchObject({ type: 'react', message_id: 10, emoji: '🎉', on: false });
	});

	it('a refused change does not fail a message still in the outbox', () => {
		const { store, apply, sent, general } = withMessages();
		store.sendText(general, 'in flight');
		store.editMessage(11, 'changed');
		const edit = sent.at(-1)!;
		expect(edit).toMatchObject({ type: 'edit_message', message_id: 11, content: 'changed' });
		expect(typeof edit.client_id).toBe('string');
		apply(errorReducers, 'error', {
			code: 'forbidden',
			message: 'Not yours',
			client_id: edit.client_id
		});
		const pending = general.items.at(-1)!;
		expect(pending.pending).toBe(true);
		expect(pending.failed).toBeUndefined();
		expect(store.composerError).toBe('error:forbidden');
	});

	it('changes in a DM find the conversation by `with`; unknown messages are ignored', () => {
		const { store, apply } = harness();
		apply(messageReducers, 'history', {
			with: 2,
			messages: [wire(5, 2, 'psst', { type: 'private_message', room: undefined })],
			has_more: false
		});
		apply(changeReducers, 'message_edited', {
			message_id: 5,
			with: 2,
			content: 'psst!',
			edited_at: 1,
			seq: 8
		});
		apply(changeReducers, 'message_edited', {
			message_id: 99,
			with: 2,
			content: 'never held',
			edited_at: 1,
			seq: 9
		});
		expect(store.direct(2).items.map((x) => x.text)).toEqual(['psst!']);
		expect(store.cursor).toBe(9);
	});

	it('a history page refreshes rows already held to their current state', () => {
		const { apply, general } = withMessages();
		apply(messageReducers, 'history', {
			room: 'general',
			messages: [
				wire(10, 2, 'hello again', {
					edited_at: 1764100300,
					reactions: [{ emoji: '❤️', count: 1, user_ids: [4] }]
				})
			],
			has_more: false
		});
		expect(general.byId(10)).toMatchObject({
			text: 'hello again',
			editedAt: 1764100300,
			reactions: [{ emoji: '❤️', count: 1, userIds: [4] }]
		});
	});

	it('mentions of us count apart from unread, and reading clears both', () => {
		const { store, apply, general } = withMessages();
		apply(messageReducers, 'message', undefined, wire(12, 2, '@alice look', { mentions: [1] }));
		apply(messageReducers, 'message', undefined, wire(13, 2, 'no ping'));
		expect(general.unread).toBe(2);
		expect(general.mentions).toBe(1);
		store.markRead(general, 13);
		expect(general.mentions).toBe(0);
	});

	it('a thread answer fills the open panel, which merges live replies from the room', () => {
		const { store, apply, sent, general } = withMessages();
		store.openThread(general, general.byId(10)!);
		expect(sent.at(-1)).toEqual({ type: 'get_thread', message_id: 10, limit: 50 });
		apply(changeReducers, 'thread', {
			root: wire(10, 2, 'hello @alice', { reply_count: 2 }),
			messages: [
				wire(3, 2, 'old reply', { thread: { root_id: 10, reply_count: 2 } }),
				wire(4, 3, 'newer', { thread: { root_id: 10, reply_count: 2 } })
			],
			has_more: false
		});
		const thread = store.thread!;
		expect(thread.loading).toBe(false);
		expect(thread.root?.replyCount).toBe(2);
		apply(messageReducers, 'message', undefined, {
			...wire(12, 1, 'live', {
				reply_to: { id: 10, from_id: 2, from_name: 'user2', excerpt: 'x' }
			}),
			thread: { root_id: 10, reply_count: 3, last_reply_at: 1764100400 }
		});
		expect(thread.rows(general.items).map((x) => x.text)).toEqual(['old reply', 'newer', 'live']);
		expect(thread.root?.replyCount).toBe(3);
		apply(changeReducers, 'reaction', {
			message_id: 3,
			room: 'general',
			emoji: '👍',
			user_id: 2,
			user_name: 'user2',
			on: true,
			count: 1,
			seq: 40
		});
		expect(thread.rows(general.items)[0].reactions).toEqual([
			{ emoji: '👍', count: 1, userIds: [2] }
		]);
		apply(changeReducers, 'message_deleted', { message_id: 4, room: 'general', seq: 41 });
		expect(thread.rows(general.items).map((x) => x.text)).toEqual(['old reply', 'live']);
	});

	it('a thread answer for another thread is not this panel’s', () => {
		const { store, apply, general } = withMessages();
		store.openThread(general, general.byId(10)!);
		apply(changeReducers, 'thread', { root: wire(7, 2, 'other'), messages: [], has_more: false });
		expect(store.thread!.loading).toBe(true);
	});

	it('a reply we send is pending with its quote and goes out with reply_to', () => {
		const { store, sent, general } = withMessages();
		store.sendText(general, 'sure', general.byId(10)!);
		expect(sent.at(-1)).toMatchObject({ type: 'message', content: 'sure', reply_to: 10 });
		const pending = general.items.at(-1)!;
		expect(pending.pending).toBe(true);
		expect(pending.replyTo).toMatchObject({ id: 10, fromName: 'user2', excerpt: 'hello @alice' });
		expect(pending.threadRoot).toBe(10);
	});

	it('edit and delete rights: own text messages; deletion for admins too', () => {
		const { store, general } = withMessages();
		expect(store.canEdit(general.byId(11)!)).toBe(true);
		expect(store.canEdit(general.byId(10)!)).toBe(false);
		expect(store.canDelete(general.byId(10)!)).toBe(false);
		store.me = { ...store.me, isAdmin: true };
		expect(store.canDelete(general.byId(10)!)).toBe(true);
		expect(store.lastEditable(general)?.id).toBe(11);
	});
});
