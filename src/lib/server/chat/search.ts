import type { MessageRecord } from '$lib/protocol/wire';
import type { Config } from '../config';
import { ServiceError } from '../errors';
import { notInRoom } from './access';
import type { Identity } from '../realtime/connection';
import { KeyedBuckets } from '../realtime/rate-limit';
import type { SearchRepository } from '../storage/search';
import type { Room } from './rooms';
import { MAX_TERMS, parseTerms, snippetOf, type Snippet } from './search-text';

/** The rooms a user belongs to now, and one room by name (the chat service answers). */
export interface SearchScope {
	roomsOf(who: Identity): Promise<Room[]>;
	requireRoom(name: string): Room;
	isMember(who: Identity, room: Room): Promise<boolean>;
}

/** A search as the route validated it (PROTOCOL.md §11): `room` and `with` not both. */
export interface SearchInput {
	q: string;
	room?: string;
	with?: number;
	from?: number;
	before?: number;
	limit: number;
}

export interface SearchHit {
	message: MessageRecord;
	snippet: Snippet;
}

/**
 * Search (PROTOCOL.md §11): turns the query into terms, narrows it to what the user may see
 * now — the rooms they belong to at this moment and their own DMs, so a room left is out at
 * once — asks the repository, and marks the matches in a snippet of each result. Each search
 * costs index work, so every account has a token bucket (SEARCH_PER_SEC, SEARCH_BURST).
 */
export class SearchService {
	private readonly buckets: KeyedBuckets<number>;

	constructor(
		private readonly repo: SearchRepository,
		private readonly scope: SearchScope,
		limits: Config['search']
	) {
		this.buckets = new KeyedBuckets(limits.perSecond, limits.burst);
	}

	async search(
		who: Identity,
		input: SearchInput
	): Promise<{ hits: SearchHit[]; has_more: boolean }> {
		const terms = parseTerms(input.q);
		if (terms.length === 0)
			throw new ServiceError('invalid_input', 'Search for at least 2 characters', 400, {
				field: 'q'
			});
		if (terms.length > MAX_TERMS)
			throw new ServiceError('invalid_input', `Search for at most ${MAX_TERMS} words`, 400, {
				field: 'q'
			});
		this.admit(who);
		const { roomIds, directs } = await this.visible(who, input);
		const { messages, has_more } = await this.repo.search({
			terms,
			roomIds,
			directs,
			userId: who.id,
			fromId: input.from,
			before: input.before,
			limit: input.limit
		});
		return {
			hits: messages.map((message) => ({ message, snippet: snippetOf(message.body, terms) })),
			has_more
		};
	}

	/** Where to look: one room (a member's), one DM, or every room the user is in and their DMs. */
	private async visible(who: Identity, input: SearchInput) {
		if (input.room !== undefined) {
			const room = this.scope.requireRoom(input.room);
			if (!(await this.scope.isMember(who, room))) throw notInRoom(room);
			return { roomIds: [room.id], directs: 'none' as const };
		}
		if (input.with !== undefined) return { roomIds: [], directs: { with: input.with } };
		const rooms = await this.scope.roomsOf(who);
		return { roomIds: rooms.map((r) => r.id), directs: 'all' as const };
	}

	private admit(who: Identity): void {
		const bucket = this.buckets.get(who.id);
		if (bucket.take()) return;
		const retryAfter = Math.max(1, Math.ceil(bucket.waitMs() / 1000));
		throw new ServiceError('rate_limited', 'Too many searches; try again shortly', 429, {
			retryAfterSeconds: retryAfter,
			params: { retry_after: retryAfter }
		});
	}
}
