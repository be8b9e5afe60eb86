import { mentionCandidates } from '$lib/protocol/message-rules';
import { notFound } from '../errors';
import type { StoredMessage } from './messages';

/** Where a message goes: a room (general: every account is in it) or a DM's two parties. */
export type Place = { roomId: number; everyone: boolean } | { parties: [number, number] };

export interface ReferenceDeps {
	message(id: number): Promise<StoredMessage | undefined>;
	accountsNamed(usernames: string[]): Promise<Map<string, number>>;
	isRoomMember(userId: number, roomId: number): Promise<boolean>;
}

/**
 * What a message refers to, resolved when it is sent or edited (PROTOCOL.md §10): the
 * parent it replies to, which must be in the same room or conversation, and the accounts
 * its @usernames name that can see it.
 */
export class MessageReferences {
	constructor(private readonly deps: ReferenceDeps) {}

	/** The parent's id; `not_found` when it is gone or elsewhere (its existence is not told). */
	async replyParent(replyTo: number | undefined, place: Place): Promise<number | null> {
		if (replyTo === undefined) return null;
		const parent = await this.deps.message(replyTo);
		const here =
			parent &&
			('roomId' in place
				? parent.roomId === place.roomId
				: parent.roomId === null &&
					place.parties.includes(parent.senderId) &&
					place.parties.includes(parent.recipientId!));
		if (!here) throw notFound('The message you reply to is not in this conversation');
		return replyTo;
	}

	/** Account ids named with @ that can see a message in `place`, in order of first mention. */
	async mentions(text: string, place: Place): Promise<number[]> {
		const candidates = mentionCandidates(text);
		if (candidates.length === 0) return [];
		const found = await this.deps.accountsNamed([...new Set(candidates.flat())]);
		const ids: number[] = [];
		for (const names of candidates) {
			const id = names.map((n) => found.get(n)).find((x) => x !== undefined);
			if (id === undefined || ids.includes(id)) continue;
			if (await this.canSee(id, place)) ids.push(id);
		}
		return ids;
	}

	private async canSee(userId: number, place: Place): Promise<boolean> {
		if ('parties' in place) return place.parties.includes(userId);
		return place.everyone || this.deps.isRoomMember(userId, place.roomId);
	}
}
