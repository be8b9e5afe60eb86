import { describe, expect, it } from 'vitest';
import { localTime } from './local-time';

describe('localTime', () => {
	const at = new Date('2026-03-01T05:05:00Z');
	it('is the 24-hour time in the zone', () => {
		expect(localTime('Asia/Tokyo', 'en', at)).toBe('14:05');
		expect(localTime('America/New_York', 'zh', at)).toBe('00:05');
	});
	it('is empty without a zone or for an unknown one', () => {
		expect(localTime('', 'en', at)).toBe('');
		expect(localTime('Nowhere/Land', 'en', at)).toBe('');
	});
});
