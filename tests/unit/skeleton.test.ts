import { describe, expect, it } from 'vitest';
import { RESERVED_WORDS, skeleton } from '../../src/lib/server/identity/skeleton';

describe('skeleton', () => {
	it('folds case, width, accents, separators and look-alike letters to one form', () => {
		const same = [
			'alice',
			'ALICE',
			'Alice',
			'aIice',
			'a1ice',
			'ａｌｉｃｅ',
			'аlice',
			'al.ice',
			'Álice'
		];
		for (const name of same) expect(skeleton(name), name).toBe(skeleton('alice'));
		expect(skeleton('b0b')).toBe(skeleton('bob'));
		expect(skeleton('rnary')).toBe(skeleton('mary'));
	});

	it('keeps different names apart', () => {
		expect(skeleton('alice')).not.toBe(skeleton('alina'));
		expect(skeleton('张伟')).toBe('张伟');
		expect(skeleton('张伟')).not.toBe(skeleton('李伟'));
	});

	it('finds the reserved words inside names, in any disguise', () => {
		for (const name of ['racer3 (admin)', 'ΑDMIN', 'Sуstem', 'M0DERAT0R', 'the_sys_tem']) {
			expect(
				RESERVED_WORDS.some((w) => skeleton(name).includes(w)),
				name
			).toBe(true);
		}
		expect(RESERVED_WORDS.some((w) => skeleton('Admiral Ackbar').includes(w))).toBe(false);
	});
});
