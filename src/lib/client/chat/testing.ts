import type { ReceivedEvent, ServerEvent } from '$lib/protocol/events';
import { ChatStore } from '../chat.svelte';
import type { KeyValue, OutboxRecord } from '../outbox';
import { OutboxStorage } from '../outbox';
import type { Reducers } from './state';

/** Timers a test fires by hand, with its own `now`. */
export class ManualClock {
	now = 1_764_100_000_000;
	timers: { id: number; at: number; fn: () => void }[] = [];
	private seq = 0;
	set = (fn: () => void, ms: number) => {
		const id = ++this.seq;
		this.timers.push({ id, at: this.now + ms, fn });
		return id;
	};
	clear = (id: unknown) => {
		this.timers = this.timers.filter((t) => t.id !== id);
	};
	advance(ms: number) {
		this.now += ms;
		for (const t of [...this.timers].sort((a, b) => a.at - b.at)) {
			if (t.at <= this.now) {
				this.clear(t.id);
				t.fn();
			}
		}
	}
}

/**
 * For the specs beside the reducers: a real ChatStore (the state the reducers work on) with
 * a recording transport and hand-fired timers, and a way to apply one family's reducer alone.
 * Only tests import this file.
 */
export function harness(
	opts: { watching?: boolean; online?: boolean; stored?: OutboxRecord[] } = {}
) {
	const sent: Record<string, unknown>[] = [];
	const navigated: string[] = [];
	const incoming: number[] = [];
	const clock = new ManualClock();
	let ids = 0;
	let online = opts.online ?? true;
	const data = new Map<string, string>();
	const kv: KeyValue = {
		getItem: (k) => data.get(k) ?? null,
		setItem: (k, v) => void data.set(k, v),
		removeItem: (k) => void data.delete(k)
	};
	const storage = new OutboxStorage(kv, 1);
	for (const r of opts.stored ?? []) storage.add(r);
	const store = new ChatStore({
		me: { id: 1, name: 'alice', isAdmin: false },
		transport: {
			send: (m) => {
				if (online) sent.push(m as Record<string, unknown>);
				return online;
			}
		},
		texts: {
			memberJoined: (n) => `${n} joined`,
			memberLeft: (n) => `${n} left`,
			moderation: (c) => `moderation:${String(c.action)}`,
			error: (c) => `error:${String(c.code)}`
		},
		navigate: (url) => navigated.push(url),
		isWatching: () => opts.watching ?? false,
		onIncoming: (_conv, item) => incoming.push(item.id ?? 0),
		newClientId: () => `c${++ids}`,
		outboxStorage: storage,
		now: () => clock.now,
		setTimer: clock.set,
		clearTimer: clock.clear
	});
	/** Applies an event through one family's reducers only, as the store's dispatcher would. */
	const apply = (
		family: Reducers,
		type: ServerEvent['type'],
		content?: unknown,
		extra: object = {}
	) => {
		const event: ReceivedEvent = { type, timestamp: 1764100000, content, ...extra };
		const reducer = family[type] as
			((s: ChatStore, content: unknown, event: ReceivedEvent) => void) | undefined;
		if (!reducer) throw new Error(`no reducer for ${type} in this family`);
		// Specs pass only the fields a case needs, as a server of another version might.
		reducer(store, content ?? {}, event);
	};
	const advance = (ms: number) => clock.advance(ms);
	const setOnline = (on: boolean) => {
		online = on;
	};
	return { store, sent, navigated, incoming, storage, apply, advance, setOnline, clock };
}

/** A room message as the server sends it. */
export function wire(id: number, from: number, content: string, extra: object = {}) {
	return {
		type: 'message',
		id,
		room: 'general',
		from_id: from,
		from_name: from === 1 ? 'alice' : `user${from}`,
		content,
		timestamp: 1764100000,
		...extra
	};
}

/** A room summary as the server sends it (welcome, `rooms`): joined, nothing unread. */
export function summary(name: string, extra: object = {}) {
	return {
		name,
		topic: '',
		members: 2,
		unread: 0,
		last_message_id: 0,
		joined: true,
		...extra
	};
}
