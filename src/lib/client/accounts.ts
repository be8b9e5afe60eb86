import type { Account } from './router.svelte';

/**
 * One account by username or id (`GET /api/users/lookup`), for conversation addresses.
 * Null when there is no such account, and also when the server cannot be reached: the
 * caller then falls back as for an unknown name rather than waiting.
 */
export async function lookupAccount(
	query: { username: string } | { id: number }
): Promise<Account | null> {
	const params = new URLSearchParams(
		'username' in query ? { username: query.username } : { id: String(query.id) }
	);
	try {
		const res = await fetch(`/api/users/lookup?${params}`);
		if (!res.ok) return null;
		const { user } = (await res.json()) as { user: Account };
		return user;
	} catch {
		return null;
	}
}
