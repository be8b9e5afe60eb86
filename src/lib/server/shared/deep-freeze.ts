/**
 * Freezes a value and everything it holds, for values many callers share (memoized reads): a
 * caller that tried to change one throws rather than corrupting the next reader's copy.
 */
export function deepFreeze<T>(value: T): T {
	if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
	Object.freeze(value);
	for (const inner of Object.values(value)) deepFreeze(inner);
	return value;
}
