import type { SvelteMap } from 'svelte/reactivity';
import type {
	ContentOf,
	EventOf,
	NotifySetting,
	OnlineUser,
	RoomSummary,
	ServerEventType
} from '$lib/protocol/events';
import type { Conversation, ConvKey } from '../conversation.svelte';
import type { OutboxQueue } from './outbox-queue';
import type { ThreadView } from '../thread.svelte';
import type { KnownPeople } from './known-people';
import type { ReceiptRequests } from './receipts';
import type { RemoteTyping } from './typing';
import type { PresenceRoster } from './roster.svelte';
import type { ChatStoreOptions, Me, Mute } from './types';

/**
 * What the event reducers (./reducers) read and change: the store's state and the few
 * operations they share. `ChatStore` implements it; the reducers never import the store, so
 * each family of events can be read (and tested) on its own.
 */
export interface ChatState {
	me: Me;
	readonly conversations: SvelteMap<ConvKey, Conversation>;
	otherRooms: RoomSummary[];
	online: OnlineUser[];
	activeKey: ConvKey;
	mute: Mute | null;
	composerError: string | null;
	/**
	 * The highest `seq` applied (a message's id, a change's `content.seq`; one sequence,
	 * PROTOCOL.md §10): where `resume` continues from.
	 */
	cursor: number;
	/** The thread open in the side panel. */
	thread: ThreadView | null;
	/** A welcome was handled on this page (later ones are reconnects). */
	welcomed: boolean;

	readonly opts: ChatStoreOptions;
	readonly outbox: OutboxQueue;
	readonly remoteTyping: RemoteTyping;
	readonly receipts: ReceiptRequests;
	readonly known: KnownPeople;
	/** Who is online in a large community: the exact count, what is watched, the paging. */
	readonly roster: PresenceRoster;
	/** Notification settings (from another device) of conversations this page does not hold yet. */
	readonly pendingNotify: Map<ConvKey, NotifySetting>;
	readonly active: Conversation;
	readonly rooms: Conversation[];

	now(): number;
	send(message: object): boolean;
	/** Ids of the DM partners, newest conversation first (their presence is watched). */
	partners(): number[];
	/** The room's conversation, created if needed. */
	room(name: string): Conversation;
	/** The DM conversation with a peer, created if needed (and renamed if `name` is newer). */
	direct(peerId: number, name?: string): Conversation;
	/** Forgets a conversation (never #general); the view falls back to #general. */
	drop(conv: Conversation): void;
	open(key: ConvKey): void;
	/** Is the user reading this conversation (asked of the page, which knows focus and scroll)? */
	watching(conv: Conversation): boolean;
	/** Puts the "new messages" divider before the first unread message. */
	placeDivider(conv: Conversation): void;
	/** Asks for the conversation's newest page. */
	requestLatest(conv: Conversation): void;
}

/**
 * What one event type does to the state: `content` is the event's content (`{}` when a
 * malformed event has none), `event` the whole event, both typed as the union's member for
 * the type. They come from the server unchecked, so reducers still read defensively where a
 * server of another version may differ.
 */
export type Reducer<T extends ServerEventType> = (
	s: ChatState,
	content: ContentOf<T>,
	event: EventOf<T>
) => void;

/** One family's reducers, by event type. */
export type Reducers = { [T in ServerEventType]?: Reducer<T> };
