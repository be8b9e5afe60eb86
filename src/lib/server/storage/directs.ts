import type { DirectSummary } from '$lib/protocol/events';

/** The direct conversations of accounts. */
export interface DirectsRepository {
	/**
	 * An account's conversations, newest first, at most `limit`: each peer once, with the
	 * unread count and how far the peer has read this account's messages.
	 */
	summaries(userId: number, limit: number): Promise<DirectSummary[]>;
}
