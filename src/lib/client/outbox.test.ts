import { describe, expect, it } from 'vitest';
import { OUTBOX_LIMIT, OutboxStorage, type KeyValue, type OutboxRecord } from './outbox';

function memory(): KeyValue & { data: Map<string, string> } {
	const data = new Map<string, string>();
	return {
		data,
		getItem: (k) => data.get(k) ?? null,
		setItem: (k, v) => void data.set(k, v),
		removeItem: (k) => void data.delete(k)
	};
}

const record = (clientId: string): OutboxRecord => ({
	clientId,
	convKey: 'r:general',
	payload: { type: 'message', room: 'general', content: clientId, client_id: clientId },
	text: clientId,
	timestamp: 1
});

describe('OutboxStorage', () => {
	it('keeps records per account until removed, and forgets the key when empty', () => {
		const kv = memory();
		const alice = new OutboxStorage(kv, 1);
		const bob = new OutboxStorage(kv, 2);
		alice.add(record('a1'));
		alice.add(record('a2'));
		bob.add(record('b1'));
		expect(alice.load().map((r) => r.clientId)).toEqual(['a1', 'a2']);
		expect(bob.load().map((r) => r.clientId)).toEqual(['b1']);
		alice.remove('a1');
		alice.remove('a2');
		expect(alice.load()).toEqual([]);
		expect(kv.data.has(alice.key)).toBe(false);
	});

	it('two tabs of one account do not overwrite each other', () => {
		const kv = memory();
		const tab1 = new OutboxStorage(kv, 1);
		const tab2 = new OutboxStorage(kv, 1);
		tab1.add(record('x'));
		tab2.add(record('y'));
		tab1.remove('x');
		expect(tab2.load().map((r) => r.clientId)).toEqual(['y']);
	});

	it('is bounded, and ignores damaged or foreign data', () => {
		const kv = memory();
		const s = new OutboxStorage(kv, 1);
		for (let i = 0; i < OUTBOX_LIMIT + 5; i++) s.add(record(`m${i}`));
		expect(s.load()).toHaveLength(OUTBOX_LIMIT);
		expect(s.load()[0].clientId).toBe('m5');
		kv.setItem(s.key, '{not json');
		expect(s.load()).toEqual([]);
		kv.setItem(
			s.key,
			JSON.stringify([record('ok'), { clientId: 5 }, { ...record('bad'), convKey: 'x' }])
		);
		expect(s.load().map((r) => r.clientId)).toEqual(['ok']);
	});

	it('survives a storage that throws (quota, disabled) and works without one', () => {
		const throwing: KeyValue = {
			getItem: () => null,
			setItem: () => {
				throw new Error('QuotaExceededError');
			},
			removeItem: () => {}
		};
		expect(() => new OutboxStorage(throwing, 1).add(record('a'))).not.toThrow();
		const none = new OutboxStorage(null, 1);
		none.add(record('a'));
		expect(none.load()).toEqual([]);
	});
});
