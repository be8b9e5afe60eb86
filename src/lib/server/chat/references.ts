import { mentionCandidates, mentionsRoom } from '$lib/protocol/message-rules';
import { notFound } from '../errors';
import type { StoredMessage } from './messages';

/** Where a message goes: a room (general: every account is in it) or a DM's two parties. */
export type Place = { roomId: number; everyone: boolean } | { parties: [number, number] };

export interface ReferenceDeps {
	message(id: number): Promise<StoredMessage | undefined>;
	accountsNamed(usernames: string[]): Promise<Map<string, number>>;
	isRoomMember(userId: number, roomId: number): Promise<boolean>;
	/** For `@room`: the room (its name and creator)… */
	room(id: number): { name: string; createdBy: number | null } | undefined;
	/** …its accounts (at most `limit`)… */
	memberIds(roomId: number, limit: number): Promise<number[]>;
	/** …and those of them who silenced it ("nothing" or muted). */
	silencedIn(roomId: number): Promise<number[]>;
}

/** Who sends a message, as `@room`'s rule needs it. */
export interface Mentioner {
	id: number;
	isAdmin: boolean;
}

/** The accounts a message mentions; `quiet`: those `@room` alone named who silenced the room. */
export interface Mentions {
	mentions: number[];
	quiet?: number[];
}

/**
 * `@room` reaches every member (docs/protocol.md, "@room mentions"): anyone may use it in a
 * room of at most ROOM_MENTION_ANYONE members; the room's creator and admins in rooms of up
 * to ROOM_MENTION_MAX (in general: admins only). Beyond that it is plain text.
 */
export const ROOM_MENTION_ANYONE = 50;
export const ROOM_MENTION_MAX = 1000;

/**
 * What a message refers to, resolved when it is sent or edited (PROTOCOL.md §10): the
 * parent it replies to, which must be in the same room or conversation, and the accounts
 * its @usernames name that can see it.
 */
export class MessageReferences {
	constructor(private readonly deps: ReferenceDeps) {}

	/** A new message's parent and mentions; `text` is empty for a file without a caption. */
	async of(
		replyTo: number | undefined,
		text: string,
		place: Place,
		sender?: Mentioner
	): Promise<Mentions & { replyToId: number | null }> {
		return {
			replyToId: await this.replyParent(replyTo, place),
			...(text ? await this.mentions(text, place, sender) : { mentions: [] })
		};
	}

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

	/**
	 * Account ids named with @ that can see a message in `place`, in order of first mention,
	 * then, for an `@room` that `sender` may use there, every other member of the room.
	 */
	async mentions(text: string, place: Place, sender?: Mentioner): Promise<Mentions> {
		const named = await this.named(text, place);
		if (!sender || !('roomId' in place)) return { mentions: named };
		const room = await this.roomMention(text, place, sender);
		if (room.length === 0) return { mentions: named };
		const mentions = [...named, ...room.filter((id) => !named.includes(id))];
		// Someone named in person is told even in a room they silenced (as before); @room is not.
		const silenced = new Set(await this.deps.silencedIn(place.roomId));
		const quiet = room.filter((id) => silenced.has(id) && !named.includes(id));
		return quiet.length ? { mentions, quiet } : { mentions };
	}

	/** The members an `@room` of `sender` reaches (none when it may not be used there). */
	private async roomMention(
		text: string,
		place: { roomId: number; everyone: boolean },
		sender: Mentioner
	): Promise<number[]> {
		if (!mentionsRoom(text)) return [];
		const room = this.deps.room(place.roomId);
		if (!room) return [];
		const manager = sender.isAdmin || (!place.everyone && room.createdBy === sender.id);
		if (place.everyone && !sender.isAdmin) return [];
		const limit = manager ? ROOM_MENTION_MAX : ROOM_MENTION_ANYONE;
		const members = await this.deps.memberIds(place.roomId, limit + 1);
		if (members.length > limit) return [];
		return members.filter((id) => id !== sender.id);
	}

	private async named(text: string, place: Place): Promise<number[]> {
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
