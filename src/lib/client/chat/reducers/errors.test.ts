import { describe, expect, it } from 'vitest';
import { harness } from '../testing';
import { errorReducers } from './errors';

describe('error reducers', () => {
	it('a refused send marks the oldest in-flight message failed and drops it from the outbox', () => {
		const { store, apply, storage } = harness();
		const general = store.room('general');
		store.sendText(general, 'one');
		store.sendText(general, 'two');
		apply(errorReducers, 'error', { code: 'too_large', message: 'too long' });
		expect(general.items.map((x) => [x.text, x.pending, x.failed])).toEqual([
			['one', false, 'error:too_large'],
			['two', true, undefined]
		]);
		expect(store.outboxSize).toBe(1);
		expect(storage.load().map((r) => r.text)).toEqual(['two']);
		expect(store.composerError).toBe('error:too_large');
	});

	it('a refusal that names its client_id fails that send, whatever its place in the outbox', () => {
		const { store, apply, storage } = harness();
		const general = store.room('general');
		store.sendText(general, 'one');
		store.sendText(general, 'two');
		apply(errorReducers, 'error', { code: 'too_large', message: 'too long', client_id: 'c2' });
		expect(general.items.map((x) => [x.text, x.pending, x.failed])).toEqual([
			['one', true, undefined],
			['two', false, 'error:too_large']
		]);
		expect(storage.load().map((r) => r.text)).toEqual(['one']);
		expect(store.composerError).toBe('error:too_large');
	});

	it('a client_id no message waits under touches no message (no guessing by order)', () => {
		const { store, apply } = harness();
		const general = store.room('general');
		store.sendText(general, 'one');
		apply(errorReducers, 'error', { code: 'muted', message: 'muted', until: 1, client_id: 'x' });
		expect(general.items[0].pending).toBe(true);
		expect(store.outboxSize).toBe(1);
		expect(store.mute?.until).toBe(1);
	});

	it('rate limited keeps the message pending (it goes out again); other codes touch nothing', () => {
		const { store, apply } = harness();
		const general = store.room('general');
		store.sendText(general, 'one');
		apply(errorReducers, 'error', { code: 'rate_limited', message: 'slow down' });
		expect(general.items[0].pending).toBe(true);
		expect(store.composerError).toBe('error:rate_limited');
		store.composerError = null;
		apply(errorReducers, 'error', { code: 'bad_request', message: '?' });
		expect(store.composerError).toBeNull();
		expect(store.outboxSize).toBe(1);
	});

	it('a muted error sets the mute from its until and keeps the composer clear', () => {
		const { store, apply } = harness();
		store.sendText(store.room('general'), 'one');
		apply(errorReducers, 'error', {
			code: 'muted',
			message: 'You are muted (spam)',
			until: 1764200000
		});
		expect(store.mute).toEqual({ until: 1764200000, reason: 'spam' });
		expect(store.composerError).toBeNull();
		expect(store.outboxSize).toBe(0);
	});
});
