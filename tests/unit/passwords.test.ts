import { readdirSync, readFileSync } from 'node:fs';
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

	it('hash on threads of the lowest priority, so logins never take the CPU from chat', async () => {
		// Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value (Linux).
		const niceOfThreads = () =>
			readdirSync('/proc/self/task').map((tid) =>
				Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16])
			);
		// Several at once: each runs on a thread of its own, every one at nice 19.
		const hashes = await Promise.all([1, 2, 3].map((i) => hashPassword(`password ${i}`)));
		expect(await Promise.all(hashes.map((h, i) => verifyPassword(h, `password ${i + 1}`)))).toEqual(
			[true, true, true]
		);
		expect(niceOfThreads().filter((n) => n === 19).length).toBeGreaterThanOrEqual(3);
		expect(niceOfThreads().filter((n) => n === 0).length).toBeGreaterThan(0);
	});
});
