/**
 * `@mention` autocomplete in the composer: where a mention is being typed, and which people
 * match it. The server resolves `@username` (case-insensitive) when the message is sent
 * (PROTOCOL.md §10); the list only helps to type a username that exists.
 */

export interface MentionCandidate {
	id: number;
	name: string;
	username: string;
}

/** Characters of a username (PROTOCOL.md §9: `A–Z a–z 0–9 _ . -`). */
const MENTION_TAIL = /(?:^|\s)(@[A-Za-z0-9_.-]{0,32})$/;
const LOOKBACK = 40;

/** The `@query` that ends at the caret (at the start or after a space), if any. */
export function mentionAt(text: string, caret: number): { query: string; start: number } | null {
	const from = Math.max(0, caret - LOOKBACK);
	const found = MENTION_TAIL.exec(text.slice(from, caret));
	if (!found) return null;
	return { query: found[1].slice(1).toLowerCase(), start: caret - found[1].length };
}

/**
 * Candidates matching `query`, once each: the username typed in full first, then usernames and
 * display names that start with it, then those that contain it; alphabetical within each.
 */
export function rankMentions(
	people: Iterable<MentionCandidate>,
	query: string,
	limit: number,
	exceptId?: number
): MentionCandidate[] {
	const q = query.toLowerCase();
	const seen = new Set<number>();
	const scored: { c: MentionCandidate; rank: number }[] = [];
	for (const c of people) {
		if (seen.has(c.id) || c.id === exceptId || !c.username) continue;
		seen.add(c.id);
		const username = c.username.toLowerCase();
		const name = c.name.toLowerCase();
		const rank =
			username === q
				? 0
				: username.startsWith(q) || name.startsWith(q)
					? 1
					: username.includes(q) || name.includes(q)
						? 2
						: -1;
		if (rank >= 0) scored.push({ c, rank });
	}
	return scored
		.sort((a, b) => a.rank - b.rank || a.c.username.localeCompare(b.c.username))
		.slice(0, limit)
		.map((x) => x.c);
}
