import { hashOnThread, verifyOnThread } from './argon2-threads';

// argon2id with OWASP's recommended minimums (19 MiB, 2 passes, 1 lane).
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
	return hashOnThread(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verifyOnThread(passwordHash, password);
	} catch {
		return false;
	}
}

/** A hash to verify against when the username does not exist, so timing does not reveal it. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
	dummyHash ??= hashPassword('not-a-real-password-' + Math.random());
	return dummyHash;
}
