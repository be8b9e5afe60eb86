import { describe, expect, it } from 'vitest';
import { formatCountdown, formatDuration } from './duration';

describe('formatDuration', () => {
	it('uses at most two adjacent units, singular where it should', () => {
		expect(formatDuration(1)).toBe('1 second');
		expect(formatDuration(59)).toBe('59 seconds');
		expect(formatDuration(300)).toBe('5 minutes');
		expect(formatDuration(301)).toBe('5 minutes 1 second');
		expect(formatDuration(3600)).toBe('1 hour');
		expect(formatDuration(3605)).toBe('1 hour');
		expect(formatDuration(5400)).toBe('1 hour 30 minutes');
		expect(formatDuration(30 * 86400 - 1)).toBe('29 days 23 hours');
		expect(formatDuration(0)).toBe('0 seconds');
		expect(formatDuration(-5)).toBe('0 seconds');
	});
});

describe('formatCountdown', () => {
	it('reads like a clock and never goes below zero', () => {
		expect(formatCountdown(299.2)).toBe('5:00');
		expect(formatCountdown(59)).toBe('0:59');
		expect(formatCountdown(3600)).toBe('1:00:00');
		expect(formatCountdown(90061)).toBe('1d 01:01:01');
		expect(formatCountdown(-3)).toBe('0:00');
	});
});
