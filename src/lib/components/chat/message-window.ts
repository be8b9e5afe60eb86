import type { ChatItem } from '$lib/client/conversation.svelte';
import { dayKey } from '$lib/client/format';

/**
 * The arithmetic behind MessageList, kept out of the component so it can be read and tested
 * without a DOM: which slice of a conversation is rendered (the window), how it moves while the
 * user scrolls or follows the newest rows, when an older page is asked for, which row anchors
 * the view, and which rows start a new sender group. The component owns the DOM and the state.
 */

/** Rows kept in the DOM at most; the rest of a long conversation is rendered on demand. */
export const WINDOW = 200;
/** How many rows the window moves by when the view nears one of its edges. */
export const STEP = 80;
/** "Near an edge": this close (px) to the top or bottom of the rendered rows. */
export const EDGE_PX = 300;
/** Within this many px of the bottom, the view counts as at the newest message ("stuck"). */
export const STUCK_PX = 40;
/** Consecutive messages from one sender within this many seconds share one header. */
export const GROUP_SECONDS = 5 * 60;

/**
 * The window is [startKey … endKey] by row key (keys survive rows arriving or being merged,
 * indices do not); startKey null: the newest WINDOW rows; endKey null: up to the newest
 * (following).
 */
export interface WindowKeys {
	startKey: string | null;
	endKey: string | null;
}

export interface Range {
	startIdx: number;
	/** Exclusive. */
	endIdx: number;
}

/** The indices the window covers now (a key that left the list falls back to the default). */
export function rangeOf(items: readonly ChatItem[], w: WindowKeys): Range {
	let startIdx = Math.max(0, items.length - WINDOW);
	if (w.startKey !== null) {
		const i = items.findIndex((x) => x.key === w.startKey);
		if (i >= 0) startIdx = i;
	}
	let endIdx = items.length;
	if (w.endKey !== null) {
		const i = items.findIndex((x) => x.key === w.endKey);
		if (i >= 0) endIdx = i + 1;
	}
	return { startIdx, endIdx };
}

/** Moves the window STEP rows up (older), letting go of its bottom once it grows too long. */
export function widenUp(items: readonly ChatItem[], r: Range, w: WindowKeys): WindowKeys {
	const from = Math.max(0, r.startIdx - STEP);
	return {
		startKey: items[from]?.key ?? null,
		endKey: r.endIdx - from > WINDOW + STEP ? items[from + WINDOW - 1].key : w.endKey
	};
}

/** Moves the window STEP rows down (newer); reaching the newest row means following again. */
export function widenDown(items: readonly ChatItem[], r: Range, w: WindowKeys): WindowKeys {
	const to = Math.min(items.length, r.endIdx + STEP);
	return {
		startKey: to - r.startIdx > WINDOW + STEP ? items[to - WINDOW].key : w.startKey,
		endKey: to >= items.length ? null : items[to - 1].key
	};
}

/** Following the newest: the new start key when rows scrolled far out of the window, else null. */
export function trimWhileFollowing(items: readonly ChatItem[], r: Range): string | null {
	return items.length - r.startIdx > WINDOW + STEP ? items[items.length - WINDOW].key : null;
}

export interface ScrollMetrics {
	scrollTop: number;
	scrollHeight: number;
	clientHeight: number;
}

export type ScrollStep =
	| { kind: 'up'; keys: WindowKeys }
	| { kind: 'load-older' }
	| { kind: 'down'; keys: WindowKeys }
	| { kind: 'load-newer' }
	| { kind: 'none' };

/** Is the view at the newest message (and the window following)? */
export function isStuck(m: ScrollMetrics, w: WindowKeys): boolean {
	return w.endKey === null && m.scrollHeight - m.scrollTop - m.clientHeight < STUCK_PX;
}

/**
 * What a scroll does to the window: near the top it widens over rows already held, else asks
 * for an older page (if there is one and none is on its way); near the bottom of a window that
 * is not following, it widens down, and at the newest row held of a conversation opened at a
 * message (`hasNewer`) it asks for the newer page. Both edges can apply at once on a short list.
 */
export function scrollSteps(
	items: readonly ChatItem[],
	m: ScrollMetrics,
	w: WindowKeys,
	conv: {
		hasMore: boolean;
		loaded: boolean;
		loadingOlder: boolean;
		hasNewer?: boolean;
		loadingNewer?: boolean;
	}
): ScrollStep[] {
	const steps: ScrollStep[] = [];
	let keys = w;
	if (m.scrollTop < EDGE_PX) {
		const r = rangeOf(items, keys);
		if (r.startIdx > 0) {
			keys = widenUp(items, r, keys);
			steps.push({ kind: 'up', keys });
		} else if (conv.hasMore && conv.loaded && !conv.loadingOlder)
			steps.push({ kind: 'load-older' });
	}
	if (m.scrollHeight - m.scrollTop - m.clientHeight < EDGE_PX) {
		if (keys.endKey !== null) {
			keys = widenDown(items, rangeOf(items, keys), keys);
			steps.push({ kind: 'down', keys });
		} else if (conv.hasNewer && !conv.loadingNewer) steps.push({ kind: 'load-newer' });
	}
	return steps;
}

/** A rendered row's place, as the DOM reports it. */
export interface RowBox {
	key: string;
	top: number;
	height: number;
}

/**
 * The anchor: the first row still (partly) on screen and its distance from the view's top.
 * Restoring that distance after rows change keeps what the user reads in place.
 */
export function anchorOf(
	rows: Iterable<RowBox>,
	scrollTop: number
): { key: string; offset: number } | null {
	for (const row of rows) {
		if (row.top + row.height > scrollTop) return { key: row.key, offset: row.top - scrollTop };
	}
	return null;
}

/**
 * The newest message whose row starts above the view's bottom: what the user can see, hence
 * has read. `topOf` gives a row's top, or null when it is not rendered.
 */
export function newestOnScreen(
	visible: readonly ChatItem[],
	topOf: (key: string) => number | null,
	bottom: number
): number {
	for (let i = visible.length - 1; i >= 0; i--) {
		const it = visible[i];
		if (it.id === null) continue;
		const top = topOf(it.key);
		if (top !== null && top <= bottom) return it.id;
	}
	return 0;
}

/** The newest own message: where "Sent/Read" or "Seen by" is shown. */
export function lastOwnId(items: readonly ChatItem[]): number {
	for (let i = items.length - 1; i >= 0; i--) {
		const it = items[i];
		if (it.own && it.id !== null) return it.id;
	}
	return 0;
}

/** Messages from others below what the user has been shown (the count on "Jump to latest"). */
export function unseenCount(items: readonly ChatItem[], lastReadShown: number): number {
	return items.filter((x) => x.id !== null && x.id > lastReadShown && !x.own).length;
}

/** Does `it` start a new group (avatar and name) rather than continue the one above? */
export function startsGroup(
	prev: ChatItem | undefined,
	it: ChatItem,
	dividerBefore: number
): boolean {
	if (!prev || prev.kind === 'notice' || it.kind === 'notice') return true;
	if (prev.fromId !== it.fromId) return true;
	if (dayKey(prev.timestamp) !== dayKey(it.timestamp)) return true;
	if (it.id !== null && it.id === dividerBefore) return true;
	return it.timestamp - prev.timestamp > GROUP_SECONDS;
}
