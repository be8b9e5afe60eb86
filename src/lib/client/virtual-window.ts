/**
 * Which rows of a fixed-height list to render (a people list of 10,000): the ones in the
 * viewport plus `overscan` on each side, so keyboard focus moving one row never lands on a
 * row that is not in the DOM. Pure arithmetic, tested on its own.
 */
export interface VirtualWindow {
	/** First row rendered (inclusive). */
	start: number;
	/** One past the last row rendered. */
	end: number;
}

export function virtualWindow(
	count: number,
	rowHeight: number,
	scrollTop: number,
	viewportHeight: number,
	overscan = 6
): VirtualWindow {
	if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
	const top = Math.max(0, scrollTop);
	const first = Math.min(count - 1, Math.floor(top / rowHeight));
	const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
	return {
		start: Math.max(0, first - overscan),
		end: Math.min(count, first + visible + overscan)
	};
}

/**
 * The scrollTop that shows row `index` entirely, moving as little as possible (none when it is
 * already visible): where keyboard navigation scrolls before focusing a row.
 */
export function scrollToShow(
	index: number,
	rowHeight: number,
	scrollTop: number,
	viewportHeight: number
): number {
	const top = index * rowHeight;
	const bottom = top + rowHeight;
	if (top < scrollTop) return top;
	if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
	return scrollTop;
}
