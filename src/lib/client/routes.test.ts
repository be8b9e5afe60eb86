import { describe, expect, it } from 'vitest';
import { dmPath, LastConversation, parseAddress, roomPath } from './routes';

describe('conversation addresses', () => {
	it('parses what it builds', () => {
		expect(parseAddress('/')).toEqual({ kind: 'home' });
		expect(parseAddress(roomPath('dev-ops'))).toEqual({ kind: 'room', name: 'dev-ops' });
		expect(parseAddress(dmPath('Bob.Smith'))).toEqual({ kind: 'dm', username: 'Bob.Smith' });
		expect(parseAddress('/r/general/')).toEqual({ kind: 'room', name: 'general' });
		expect(parseAddress('/dm/a%2Fb')).toEqual({ kind: 'dm', username: 'a/b' });
	});

	it('anything else is not a conversation', () => {
		for (const p of ['/admin', '/r', '/r/', '/r/a/b', '/dm/%E0%A4%A', '/x/general'])
			expect(parseAddress(p)).toEqual({ kind: 'other' });
	});

	it('remembers the last conversation per account, and only real addresses', () => {
		const data = new Map<string, string>();
		const kv = {
			getItem: (k: string) => data.get(k) ?? null,
			setItem: (k: string, v: string) => void data.set(k, v),
			removeItem: (k: string) => void data.delete(k)
		};
		const alice = new LastConversation(kv, 1);
		const bob = new LastConversation(kv, 2);
		expect(alice.get()).toBeNull();
		alice.set('/dm/bob');
		bob.set('/r/random');
		expect(alice.get()).toBe('/dm/bob');
		expect(bob.get()).toBe('/r/random');
		alice.set('/admin');
		expect(alice.get()).toBeNull();
	});
});
