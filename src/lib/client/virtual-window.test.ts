import { describe, expect, it } from 'vitest';
import { scrollToShow, virtualWindow } from './virtual-window';

describe('virtual window', () => {
	it('renders the visible rows plus overscan, clamped to the list', () => {
		expect(virtualWindow(10_000, 50, 0, 400, 5)).toEqual({ start: 0, end: 14 });
		expect(virtualWindow(10_000, 50, 5000, 400, 5)).toEqual({ start: 95, end: 114 });
		expect(virtualWindow(10_000, 50, 499_600, 400, 5)).toEqual({ start: 9987, end: 10_000 });
		expect(virtualWindow(3, 50, 0, 400, 5)).toEqual({ start: 0, end: 3 });
		expect(virtualWindow(0, 50, 0, 400)).toEqual({ start: 0, end: 0 });
	});

	it('a scroll past the end (the list shrank under a search) still shows the last rows', () => {
		expect(virtualWindow(4, 50, 9000, 400, 2)).toEqual({ start: 1, end: 4 });
	});

	it('scrolls a row into view only as far as needed', () => {
		expect(scrollToShow(3, 50, 0, 400)).toBe(0);
		expect(scrollToShow(10, 50, 0, 400)).toBe(150);
		expect(scrollToShow(2, 50, 500, 400)).toBe(100);
	});
});
