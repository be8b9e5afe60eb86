import { describe, expect, it } from 'vitest';
import {
	dummyPasswordHash,
	hashPassword,
	verifyPassword
} from '../../src/lib/server/auth/passwords';

describe('passwords', () => {
	it('hash with argon2id in the PHC format, salted', async () => {
		const a = await hashPassword('correct horse battery staple');
		expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
		expect(await hashPassword('correct horse battery staple')).not.toBe(a);
	});

	it('verify the right password only', async () => {
		const h = await hashPassword('s3cret-enough');
		expect(await verifyPassword(h, 's3cret-enough')).toBe(true);
		expect(await verifyPassword(h, 's3cret-enougH')).toBe(false);
		expect(await verifyPassword('not a hash', 's3cret-enough')).toBe(false);
	});

	it('keep one dummy hash for unknown usernames', async () => {
		const d = await dummyPasswordHash();
		expect(d).toMatch(/^\$argon2id\$/);
		expect(await dummyPasswordHash()).toBe(d);
	});
});
