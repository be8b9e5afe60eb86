import { describe, expect, it } from 'vitest';
import { ServiceError } from '../errors';
import { checkStatus, checkTimeZone } from './rules';

const codeOf = (fn: () => unknown) => {
	try {
		fn();
	} catch (err) {
		return err instanceof ServiceError ? err.code : 'other';
	}
	return 'ok';
};

describe('status text', () => {
	it('is trimmed, may be empty, counts code points', () => {
		expect(checkStatus('  busy  ')).toBe('busy');
		expect(checkStatus('')).toBe('');
		expect(checkStatus('🍜'.repeat(80))).toBe('🍜'.repeat(80));
		expect(codeOf(() => checkStatus('🍜'.repeat(81)))).toBe('too_large');
	});

	it('refuses control characters, line breaks, bidi overrides and non-strings', () => {
		for (const bad of ['a\nb', 'a\u0000', 'x\u202ey', 'p\u2028q', 'c\u0085'])
			expect(
				codeOf(() => checkStatus(bad)),
				JSON.stringify(bad)
			).toBe('invalid_input');
		expect(codeOf(() => checkStatus(5))).toBe('invalid_input');
	});
});

describe('time zone', () => {
	it('takes IANA names in their canonical spelling; empty clears', () => {
		expect(checkTimeZone('Europe/Paris')).toBe('Europe/Paris');
		expect(checkTimeZone('asia/tokyo')).toBe('Asia/Tokyo');
		expect(checkTimeZone(' UTC ')).toBe('UTC');
		expect(checkTimeZone('')).toBe('');
	});

	it('refuses unknown zones and odd strings', () => {
		for (const bad of ['Mars/Olympus', 'Europe/Paris; drop', '../etc', 'x'.repeat(65), 3])
			expect(
				codeOf(() => checkTimeZone(bad)),
				String(bad)
			).toBe('invalid_input');
	});
});
