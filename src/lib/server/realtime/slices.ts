/** A pass over a list that is still going; `cancel` stops it before its next slice. */
export interface SlicedPass {
	cancel(): void;
}

/**
 * Calls `each` for every item, `size` items per task, so a pass over thousands of
 * connections never holds the event loop for one long task: everything else (chat commits,
 * socket reads) runs between slices. The next slice follows after `gapMs` (a timer that does
 * not keep the process alive), or at the next turn when `gapMs` is 0. The first slice runs
 * at once.
 */
export function inSlices<T>(
	items: readonly T[],
	size: number,
	each: (item: T) => void,
	gapMs = 0
): SlicedPass {
	let timer: NodeJS.Timeout | null = null;
	let immediate: NodeJS.Immediate | null = null;
	const slice = (from: number) => {
		timer = immediate = null;
		const end = Math.min(items.length, from + size);
		for (let i = from; i < end; i++) each(items[i]);
		if (end >= items.length) return;
		if (gapMs > 0) timer = setTimeout(() => slice(end), gapMs).unref();
		else immediate = setImmediate(() => slice(end));
	};
	slice(0);
	return {
		cancel() {
			if (timer) clearTimeout(timer);
			if (immediate) clearImmediate(immediate);
			timer = immediate = null;
		}
	};
}
