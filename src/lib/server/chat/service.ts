import { events, type RoomSummary } from '$lib/protocol/events';
import type { FileContent } from '$lib/protocol/payloads';
import type { Config } from '../config';
import { forbidden, notFound } from '../errors';
import type { Identity } from '../realtime/connection';
import type { Bus } from '../realtime/bus';
import { historyPage, type HistoryPosition, type Pages } from './history-window';
import type { Maybe } from '../realtime/online';
import type { SharedReads } from '../realtime/shared-reads';
import type { Draft, MessageStore, SubmitResult } from './messages';
import { assertWritable, notInRoom } from './access';
import type { MessageReferences, Place } from './references';
import type { SendGuard, SendRules } from './send-rules';
import { RoomCreation } from './room-creation';
import { DEFAULT_ROOM, type Room, type RoomService } from './rooms';

/** What the chat service needs to know about who is online. */
export interface Presence {
	/** A user connected to this process (the hub answers at once). */
	identityOf(userId: number): Identity | undefined;
	/** A user online anywhere (other processes too when presence is shared). */
	onlineUser(userId: number): Maybe<{ id: number; name: string } | undefined>;
	/** Guests online anywhere (every one is in general). */
	guestsOnline(): Maybe<number>;
}

/** Account lookups the chat service needs (DM recipients that are offline). */
export interface Directory {
	getUser(id: number): Promise<{ id: number; name: string } | undefined>;
}

/** A message's references when it has none. */
const NO_REFERENCES: References = { replyToId: null, mentions: [] };

type References = Pick<Draft, 'replyToId' | 'mentions' | 'quiet'>;
/** Rooms the user is not in that a room list shows (the most recently active). */
export const ROOM_LIST_OTHERS = 100;

/**
 * The rooms (by name) the sending connection listens to: its own read-only set, passed as is
 * (nothing is made per message). The hub subscribes a
 * connection when its account joins and unsubscribes it when the membership ends, so a
 * connection that listens belongs to a member and a send needs no membership read (on
 * PostgreSQL a round trip per message). A membership ended on another process reaches the
 * subscriptions with its bus event, as a send racing a removal could always land just
 * before it.
 */
export type Listens = ReadonlySet<string>;

/**
 * The write path of chat: validate → rate-limit → authorize → store (group commit) →
 * publish. Guests' room memberships live here in memory, accounts' in the database.
 */
export class ChatService {
	private readonly guestRooms = new Map<number, Set<number>>();
	private readonly creation: RoomCreation;

	constructor(
		config: Pick<Config, 'roomsPerUserPerDay'>,
		readonly store: MessageStore,
		readonly rooms: RoomService,
		private readonly presence: Presence,
		private readonly directory: Directory,
		private readonly bus: Bus,
		private readonly refs: Pick<MessageReferences, 'of'>,
		/** The mute check, the send rate and the text rules (send-rules.ts). */
		private readonly rules: SendRules,
		/** Mutes (a topic is text everyone sees). */
		guard: SendGuard
	) {
		this.creation = new RoomCreation(config, rooms, guard);
	}

	// ---- membership -------------------------------------------------------------------

	/** Rooms an identity belongs to. */
	async roomsOf(who: Identity): Promise<Room[]> {
		if (!who.isGuest) return this.rooms.roomsOf(who.id);
		const general = this.rooms.require(DEFAULT_ROOM);
		const ids = this.guestRooms.get(who.id) ?? new Set();
		return [
			general,
			...[...ids]
				.map((id) => this.rooms.getById(id))
				.filter((r): r is Room => !!r && r.id !== general.id)
		];
	}

	async isMember(who: Identity, room: Room): Promise<boolean> {
		return this.memberInMemory(who, room) ?? this.rooms.isMember(who.id, room.id);
	}

	/** Membership when memory knows it (general, guests); undefined when storage must answer. */
	private memberInMemory(who: Identity, room: Room): boolean | undefined {
		if (room.name === DEFAULT_ROOM) return true;
		if (who.isGuest) return this.guestRooms.get(who.id)?.has(room.id) ?? false;
		return undefined;
	}

	/**
	 * A room `who` may join: any public room; a private one only as its creator or a member
	 * already (others are invited), so to anyone else it is not_found, as if it did not exist.
	 */
	async requireJoinable(who: Identity, roomName: string): Promise<Room> {
		const room = this.rooms.require(roomName);
		const own = !who.isGuest && room.createdBy === who.id;
		if (room.isPrivate && !own && !(await this.isMember(who, room))) throw notInRoom(room);
		// An archived room takes no new members (issue 15); its members may open it again.
		if (room.archived && !(await this.isMember(who, room))) assertWritable(room);
		return room;
	}

	/** Joins a room; announces member_joined only when the membership is new. */
	async join(who: Identity, roomName: string): Promise<Room> {
		const room = await this.requireJoinable(who, roomName);
		if (await this.isMember(who, room)) return room;
		if (who.isGuest) {
			let set = this.guestRooms.get(who.id);
			if (!set) this.guestRooms.set(who.id, (set = new Set()));
			set.add(room.id);
		}
		await this.rooms.join(room, who, !who.isGuest, await this.guestMembers(room));
		return room;
	}

	/**
	 * The rooms of `who` as it arrives (a page load, a connection), an account's membership of
	 * general stored on the way. `newcomer` when that membership is new: the caller then calls
	 * `announceNewcomer` (after the welcome, on a connection), so general's member count grows
	 * live for everyone.
	 */
	async roomsOnArrival(who: Identity): Promise<{ rooms: Room[]; newcomer: boolean }> {
		if (who.isGuest) return { rooms: await this.roomsOf(who), newcomer: false };
		const { rooms, added } = await this.rooms.roomsOnArrival(who.id);
		return { rooms, newcomer: added };
	}

	async announceNewcomer(who: Identity): Promise<void> {
		const general = this.rooms.require(DEFAULT_ROOM);
		return this.rooms.announce('member_joined', general, who, await this.guestMembers(general));
	}

	/** Leaves a room: the room hears `member_left`, then every tab of the user `room_left`. */
	async leave(who: Identity, roomName: string): Promise<Room> {
		const room = this.rooms.require(roomName);
		if (!(await this.isMember(who, room))) throw notInRoom(room);
		// A guest's membership goes first, so the announced count no longer includes it.
		if (who.isGuest && room.name !== DEFAULT_ROOM) this.guestRooms.get(who.id)?.delete(room.id);
		await this.rooms.leave(room, who, !who.isGuest, await this.guestMembers(room));
		this.bus.publish({
			kind: 'event',
			to: { user: who.id },
			event: events.roomLeft(room.name)
		});
		return room;
	}

	/**
	 * Room summaries for an identity: its rooms (unread only there, for accounts), then at
	 * most ROOM_LIST_OTHERS other rooms, the most recently active. One query, so a long room
	 * list costs one statement, and the welcome stays small however many rooms exist.
	 */
	async roomSummaries(
		who: Identity | null,
		inputs: {
			/** `who`'s rooms when the caller has just read them (the connection sequence) */
			known?: Room[];
			/** Guests online (general's guest members) when the caller has just read it */
			guestsOnline?: number;
			/** Where a list without anything personal in it (a guest's) is read once for many */
			shared?: Pick<SharedReads, 'read'>;
		} = {}
	): Promise<(RoomSummary & { joined: boolean })[]> {
		const mine = who ? (inputs.known ?? (await this.roomsOf(who))).map((r) => r.id) : [];
		const accountId = who && !who.isGuest ? who.id : null;
		const guests = await this.guestCounts(inputs.guestsOnline);
		return this.rooms.summaries(mine, accountId, guests, ROOM_LIST_OTHERS, inputs.shared);
	}

	/** A room by name (general when none is given), or not_found. */
	requireRoom(name: string | undefined): Room {
		return this.rooms.require(name);
	}

	/** The newest `limit` messages of a room, for a join or a welcome (no membership check). */
	latestPage(room: Room, limit: number) {
		return this.store.roomPage(room.id, undefined, limit);
	}

	/**
	 * The highest seq delivered to this process's connections (what a new subscription has
	 * seen; `resume` replays up to it): with several processes, the bus's position, which may
	 * trail this process's own last commit until that comes back through Redis.
	 */
	get lastCommittedId(): number {
		return this.bus.delivered ?? this.store.lastCommittedId;
	}

	/**
	 * Guests in one room: every online guest is in general (counted across processes when
	 * presence is shared); in other rooms, the guests of this process that joined them.
	 */
	guestMembers(room: Room): Maybe<number> {
		if (room.name === DEFAULT_ROOM) return this.presence.guestsOnline();
		let n = 0;
		for (const rooms of this.guestRooms.values()) if (rooms.has(room.id)) n++;
		return n;
	}

	/** Online guests per room id, counted in one pass (room lists ask for every room at once). */
	async guestCounts(guestsOnline?: number): Promise<Map<number, number>> {
		const counts = new Map<number, number>();
		const general = this.rooms.require(DEFAULT_ROOM);
		counts.set(general.id, guestsOnline ?? (await this.presence.guestsOnline()));
		for (const rooms of this.guestRooms.values())
			for (const id of rooms) if (id !== general.id) counts.set(id, (counts.get(id) ?? 0) + 1);
		return counts;
	}

	/** A guest left for good (its connection closed). */
	forgetGuest(id: number): void {
		this.guestRooms.delete(id);
	}

	// ---- sending ----------------------------------------------------------------------

	/**
	 * Sends to a room. The checks that read storage (membership) run while the message
	 * already holds its place in the write queue, so one connection's messages get ids in
	 * the order its frames arrived, whichever checks each needed.
	 */
	async sendToRoom(
		who: Identity,
		input: {
			room?: string;
			content: string;
			kind: 'text' | 'image' | 'file';
			clientId?: string;
			replyTo?: number;
			receivedAt?: number;
			/** kind 'file': the upload the message carries; `content` is its FileContent JSON. */
			uploadId?: string;
			/** The sending connection's subscriptions: see Listens. */
			listens?: Listens;
		}
	): Promise<SubmitResult> {
		const body = this.bodyOf(input.kind, input.content);
		// A promise when the send buckets are shared (Redis): awaited in the queue below.
		const admitted = this.rules.admit(who);
		const room = this.rooms.require(input.room ?? DEFAULT_ROOM);
		const place: Place = { roomId: room.id, everyone: room.name === DEFAULT_ROOM };
		const build = (member: boolean, refs: References): Draft => {
			if (!member)
				throw room.isPrivate
					? notInRoom(room)
					: forbidden(`You are not in ${room.name}; join it first`);
			// The room as it is now: it may have been archived while this send waited its turn.
			assertWritable(this.rooms.getById(room.id) ?? room);
			return {
				roomId: room.id,
				room: room.name,
				senderId: who.id,
				senderName: who.name,
				senderUsername: who.username,
				senderIsAdmin: who.isAdmin,
				recipientId: null,
				recipientName: null,
				kind: input.kind,
				body,
				clientId: input.clientId ?? null,
				...(input.uploadId && { uploadId: input.uploadId }),
				...refs
			};
		};
		const known = this.memberInMemory(who, room) ?? (input.listens?.has(room.name) || undefined);
		const text = input.kind === 'text' ? body : '';
		// The common message (member known, no reply, no @) is built at once; the rest in its
		// place in the queue, membership first (a non-member learns nothing about the parent).
		const draft =
			!admitted && known !== undefined && input.replyTo === undefined && !text.includes('@')
				? build(known, NO_REFERENCES)
				: (async () => {
						if (admitted) await admitted;
						const member = known ?? (await this.rooms.isMember(who.id, room.id));
						if (!member) return build(false, NO_REFERENCES);
						return build(true, await this.refs.of(input.replyTo, text, place, who));
					})();
		return this.store.submit(draft, input.receivedAt);
	}

	/**
	 * Posts an upload (PROTOCOL.md §12) to a room or a DM: the message's content is the file's
	 * with the caption (validated like a text, optional); the upload is attached to the
	 * message in the same transaction (storage writeBatch).
	 */
	async sendFile(
		who: Identity,
		input: {
			uploadId: string;
			content: FileContent;
			caption?: string;
			room?: string;
			toId?: number;
			clientId?: string;
			replyTo?: number;
			receivedAt?: number;
			listens?: Listens;
		}
	): Promise<SubmitResult> {
		const caption = input.caption?.trim() ? this.rules.text(input.caption) : undefined;
		const content = JSON.stringify({ ...input.content, ...(caption && { caption }) });
		const common = {
			content,
			kind: 'file' as const,
			uploadId: input.uploadId,
			clientId: input.clientId,
			replyTo: input.replyTo,
			receivedAt: input.receivedAt
		};
		return input.toId === undefined
			? this.sendToRoom(who, { ...common, room: input.room, listens: input.listens })
			: this.sendDirect(who, { ...common, toId: input.toId });
	}

	/** A message's stored body: a file's content comes built (sendFile), the rest validated. */
	private bodyOf(kind: 'text' | 'image' | 'file', content: string): string {
		if (kind === 'image') return this.rules.imageUrl(content);
		return kind === 'file' ? content : this.rules.text(content);
	}

	/** Sends a DM; the recipient is looked up in its place in the write queue (see sendToRoom). */
	async sendDirect(
		who: Identity,
		input: {
			toId: number;
			content: string;
			clientId?: string;
			replyTo?: number;
			receivedAt?: number;
			kind?: 'text' | 'file';
			uploadId?: string;
		}
	): Promise<SubmitResult> {
		const kind = input.kind ?? 'text';
		const body = this.bodyOf(kind, input.content);
		const text = kind === 'text' ? body : '';
		const admitted = this.rules.admit(who);
		const build = (recipient: { id: number; name: string }, refs: References): Draft => ({
			roomId: null,
			room: null,
			senderId: who.id,
			senderName: who.name,
			senderUsername: who.username,
			senderIsAdmin: who.isAdmin,
			recipientId: recipient.id,
			recipientName: recipient.name,
			kind,
			body,
			clientId: input.clientId ?? null,
			...(input.uploadId && { uploadId: input.uploadId }),
			...refs
		});
		const online = this.presence.identityOf(input.toId);
		const draft =
			!admitted && online && input.replyTo === undefined && !text.includes('@')
				? build({ id: input.toId, name: online.name }, NO_REFERENCES)
				: (async () => {
						if (admitted) await admitted;
						const recipient = online
							? { id: input.toId, name: online.name }
							: await this.resolveUser(input.toId);
						const place: Place = { parties: [who.id, recipient.id] };
						return build(recipient, await this.refs.of(input.replyTo, text, place));
					})();
		return this.store.submit(draft, input.receivedAt);
	}

	/** An account (online or not) or an online guest; anything else is not_found. */
	async resolveUser(id: number): Promise<{ id: number; name: string }> {
		const online = this.presence.identityOf(id) ?? (await this.presence.onlineUser(id));
		if (online) return { id, name: online.name };
		const account = await this.directory.getUser(id);
		if (account) return { id: account.id, name: account.name };
		throw notFound('User not found or offline');
	}

	/** Creates a room for `who` by the rules of room-creation.ts; the creator joins it. */
	createRoom(who: Identity, name: string, topic: string | undefined, isPrivate = false) {
		return this.creation.create(who, name, topic, isPrivate);
	}

	// ---- reading ----------------------------------------------------------------------

	/** A page of a room's history at a position (history-window.ts); members only. */
	async roomHistory(who: Identity | null, roomName: string, at: HistoryPosition, limit: number) {
		const room = this.rooms.require(roomName);
		if (who && !(await this.isMember(who, room))) throw notInRoom(room);
		const pages: Pages = {
			older: (before, n) => this.store.roomPage(room.id, before, n),
			newer: (after, n) => this.store.roomPageAfter(room.id, after, n)
		};
		return { room, page: await historyPage(pages, at, limit) };
	}

	/** A page of the conversation with `peerId` at a position (history-window.ts). */
	async dmHistory(who: Identity, peerId: number, at: HistoryPosition, limit: number) {
		const peer = await this.resolveUser(peerId);
		const pages: Pages = {
			older: (before, n) => this.store.conversationPage(who.id, peer.id, before, n),
			newer: (after, n) => this.store.conversationPageAfter(who.id, peer.id, after, n)
		};
		return { peer, page: await historyPage(pages, at, limit) };
	}

	/**
	 * What a reconnecting client missed: the log it may see with afterSeq < seq <= upToSeq
	 * (later changes reach the connection live), at most 1000 entries, the newest.
	 */
	async missed(who: Identity, afterSeq: number, upToSeq: number) {
		const roomIds = (await this.roomsOf(who)).map((r) => r.id);
		return this.store.logBetween(who.id, roomIds, afterSeq, upToSeq, 1000);
	}
}
