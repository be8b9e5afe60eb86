import { describe, expect, it } from 'vitest';
import type { ChatItem } from '$lib/client/conversation.svelte';
import {
	anchorOf,
	EDGE_PX,
	isStuck,
	lastOwnId,
	newestOnScreen,
	rangeOf,
	scrollSteps,
	startsGroup,
	STEP,
	trimWhileFollowing,
	unseenCount,
	widenDown,
	widenUp,
	WINDOW
} from './message-window';

const T0 = 1_764_100_000;

function item(id: number, extra: Partial<ChatItem> = {}): ChatItem {
	return {
		key: `k${id}`,
		order: id,
		id,
		kind: 'text',
		fromId: 2,
		fromName: 'bob',
		text: `m${id}`,
		timestamp: T0 + id,
		own: false,
		...extra
	};
}

const list = (n: number) => Array.from({ length: n }, (_, i) => item(i + 1));
const none = { startKey: null, endKey: null };
const idle = { hasMore: true, loaded: true, loadingOlder: false };

describe('message window', () => {
	it('by default holds the newest WINDOW rows; unknown keys fall back to that', () => {
		const items = list(500);
		expect(rangeOf(items, none)).toEqual({ startIdx: 300, endIdx: 500 });
		expect(rangeOf(items, { startKey: 'k11', endKey: 'k20' })).toEqual({
			startIdx: 10,
			endIdx: 20
		});
		expect(rangeOf(items, { startKey: 'gone', endKey: 'gone' })).toEqual({
			startIdx: 300,
			endIdx: 500
		});
		expect(rangeOf(list(3), none)).toEqual({ startIdx: 0, endIdx: 3 });
	});

	it('widens up by STEP and lets go of the bottom once the window grows too long', () => {
		const items = list(500);
		const r = rangeOf(items, none);
		const once = widenUp(items, r, none);
		expect(once).toEqual({ startKey: items[300 - STEP].key, endKey: null });
		const twice = widenUp(items, rangeOf(items, once), once);
		// 500 - 140 rows would be more than WINDOW + STEP: the bottom is cut to WINDOW rows.
		expect(twice).toEqual({ startKey: 'k141', endKey: `k${140 + WINDOW}` });
	});

	it('widens down and follows again on reaching the newest row', () => {
		const items = list(500);
		const w = { startKey: 'k1', endKey: 'k200' };
		const down = widenDown(items, rangeOf(items, w), w);
		expect(down).toEqual({ startKey: 'k1', endKey: `k${200 + STEP}` });
		const near = { startKey: 'k151', endKey: 'k450' };
		expect(widenDown(items, rangeOf(items, near), near)).toEqual({
			startKey: 'k301',
			endKey: null
		});
	});

	it('trims far-away rows only when the window has grown past WINDOW + STEP', () => {
		const items = list(500);
		expect(trimWhileFollowing(items, { startIdx: 300, endIdx: 500 })).toBeNull();
		expect(trimWhileFollowing(items, { startIdx: 219, endIdx: 500 })).toBe('k301');
	});

	it('near the top asks for an older page only when the window is at the start and none is coming', () => {
		const items = list(50);
		const top = { scrollTop: 10, scrollHeight: 5000, clientHeight: 500 };
		expect(scrollSteps(items, top, none, idle)).toEqual([{ kind: 'load-older' }]);
		expect(scrollSteps(items, top, none, { ...idle, loadingOlder: true })).toEqual([]);
		expect(scrollSteps(items, top, none, { ...idle, hasMore: false })).toEqual([]);
		expect(scrollSteps(items, top, none, { ...idle, loaded: false })).toEqual([]);
		const middle = { scrollTop: EDGE_PX, scrollHeight: 5000, clientHeight: 500 };
		expect(scrollSteps(items, middle, none, idle)).toEqual([]);
	});

	it('near the top of a shifted window widens it instead; near the bottom widens down', () => {
		const items = list(500);
		const w = { startKey: 'k101', endKey: 'k300' };
		const top = { scrollTop: 0, scrollHeight: 5000, clientHeight: 500 };
		expect(scrollSteps(items, top, w, idle)).toEqual([
			{ kind: 'up', keys: { startKey: 'k21', endKey: 'k300' } }
		]);
		const bottom = { scrollTop: 4400, scrollHeight: 5000, clientHeight: 500 };
		expect(scrollSteps(items, bottom, w, idle)).toEqual([
			{ kind: 'down', keys: { startKey: 'k101', endKey: 'k380' } }
		]);
	});

	it('is stuck at the bottom only while following', () => {
		const m = { scrollTop: 4470, scrollHeight: 5000, clientHeight: 500 };
		expect(isStuck(m, none)).toBe(true);
		expect(isStuck(m, { startKey: null, endKey: 'k1' })).toBe(false);
		expect(isStuck({ ...m, scrollTop: 4400 }, none)).toBe(false);
	});

	it('anchors on the first row still on screen', () => {
		const rows = [
			{ key: 'a', top: 0, height: 50 },
			{ key: 'b', top: 50, height: 50 },
			{ key: 'c', top: 100, height: 50 }
		];
		expect(anchorOf(rows, 60)).toEqual({ key: 'b', offset: -10 });
		expect(anchorOf(rows, 200)).toBeNull();
	});

	it('the newest row starting above the bottom counts as read; notices and unrendered rows do not', () => {
		const items = [item(1), item(2), item(0, { key: 'n', id: null, kind: 'notice' }), item(3)];
		const tops: Record<string, number> = { k1: 0, k2: 100, n: 150, k3: 300 };
		expect(newestOnScreen(items, (k) => tops[k] ?? null, 200)).toBe(2);
		expect(newestOnScreen(items, (k) => tops[k] ?? null, 300)).toBe(3);
		expect(newestOnScreen(items, () => null, 300)).toBe(0);
	});

	it('finds the newest own message and counts unseen messages from others', () => {
		const items = [item(1, { own: true }), item(2), item(3, { own: true }), item(4)];
		expect(lastOwnId(items)).toBe(3);
		expect(lastOwnId([item(1)])).toBe(0);
		expect(unseenCount(items, 1)).toBe(2);
		expect(unseenCount(items, 2)).toBe(1);
	});

	it('groups one sender within five minutes, and breaks at notices, days and the divider', () => {
		const a = item(1);
		expect(startsGroup(undefined, a, 0)).toBe(true);
		expect(startsGroup(a, item(2), 0)).toBe(false);
		expect(startsGroup(a, item(2, { fromId: 3 }), 0)).toBe(true);
		expect(startsGroup(a, item(2, { kind: 'notice' }), 0)).toBe(true);
		expect(startsGroup(a, item(2), 2)).toBe(true);
		expect(startsGroup(a, item(2, { timestamp: a.timestamp + 5 * 60 + 1 }), 0)).toBe(true);
		expect(startsGroup(a, item(2, { timestamp: a.timestamp + 86400 }), 0)).toBe(true);
	});
});
