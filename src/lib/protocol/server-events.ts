import type { ModerationNotice } from './admin';
import type { ErrorCode, ErrorParams } from './errors';
import type {
	HistoryPage,
	MessageType,
	NotifySetting,
	OnlineUser,
	ProfileFields,
	ReadReceipt,
	RoomListing,
	WireMessage,
	WireThread
} from './payloads';

/**
 * Every event the server sends (PROTOCOL.md §3–§8, docs/protocol.md), as one discriminated
 * union on `type`: the server builds them with event-builders.ts, the browser narrows on
 * `type` and reads `content` with its real shape. A new event kind is a member here and a
 * builder there. Old clients ignore fields and types they do not know, so a member may gain
 * optional fields; a field a client relies on never changes meaning.
 */

/** The envelope every event but a message object shares (PROTOCOL.md §3). */
export interface Envelope<T extends string, C> {
	type: T;
	/** The user the event comes from; 0 with `from_name` "System" for server notices and replies. */
	from_id: number;
	from_name: string;
	content: C;
	/** Unix seconds. */
	timestamp: number;
}

// ---- connection sequence (§4) -------------------------------------------------------------

export interface WelcomeContent {
	user_id: number;
	user_name: string;
	/** The account's @username; null for guests. */
	username: string | null;
	/** "Welcome, <name>!" */
	message: string;
	is_admin: boolean;
	is_guest: boolean;
	server_stats: { users_online: number; uptime_seconds: number; server_time: number };
	rooms: RoomListing[];
	/**
	 * Above this many users online, presence is coalesced into `presence` events and `users`
	 * is capped (docs/protocol.md, "Large communities (§13)").
	 */
	presence_broadcast_max: number;
}

/** A page of a room (#general's with the moderation notices among its messages) or of a DM. */
export type HistoryContent =
	(HistoryPage & { room: string; notices?: ModerationNotice[] }) | (HistoryPage & { with: number });

/** `join` (from the user) and `leave` (from System): `users_online` counts users after the change. */
export interface PresenceContent {
	user_id: number;
	user_name: string;
	users_online: number;
}

/**
 * Presence above PRESENCE_BROADCAST_MAX: at most one per flush interval per process. `online`
 * and `offline` are the state at sending time of the changed users this connection watches.
 */
export interface PresenceBatchContent {
	users_online: number;
	online?: OnlineUser[];
	offline?: number[];
}

/** A page of `get_users {after_id, limit}`: ascending ids; `next_after_id` null at the end. */
export interface UsersPageContent {
	users: OnlineUser[];
	next_after_id: number | null;
	users_online: number;
}

// ---- rooms ----------------------------------------------------------------------------------

export interface RoomJoinedContent {
	room: string;
	topic: string;
	history: HistoryPage;
	/** Present (true) for a private room (issue 15). */
	private?: true;
	/** The account that created the room (it may remove members). */
	created_by?: number;
	/** Present (true) for an archived room (issue 15): read-only. */
	archived?: true;
	/** An invitation (issue 15): who added the user; the user did not ask to join. */
	invited_by?: { id: number; name: string };
}

/** Both `room` and `name` hold the room's name; from the creator. */
export interface RoomCreatedContent {
	room: string;
	name: string;
	topic: string;
	created_by: number;
	/** Present (true) for a private room, which only its creator hears of. */
	private?: true;
}

/** `members`: the room's member count after the change; from the user who joined or left. */
export interface MemberContent {
	room: string;
	user_id: number;
	user_name: string;
	members: number;
}

// ---- presence, typing, receipts -----------------------------------------------------------

/** From the typist: to a room's other subscribers (`room`) or to the DM peer (`with`: the typist). */
export type TypingContent = { user_id: number; user_name: string; is_typing: boolean } & (
	{ room: string } | { with: number }
);

export interface StatsContent {
	users_online: number;
	connections: number;
	uptime_seconds: number;
	server_time: number;
	total_messages: number;
}

/** To the author when a reader's marker moved past its message; a DM's has `room: null`, `with`. */
export type MessageReadContent = {
	message_id: number;
	read_by: number;
	read_by_name: string;
	read_at: number;
} & ({ room: string } | { room: null; with: number });

export interface ReceiptsContent {
	message_id: number;
	read_by: ReadReceipt[];
}

export interface ResumedContent {
	/** The larger of `after_id` and the newest id this connection was sent. */
	last_id: number;
	/** More than the server resends were missed: page back with `get_history`. */
	truncated?: true;
}

/** A user's notification setting changed (to all of the user's connections). */
export type NotificationsContent = NotifySetting & ({ room: string } | { with: number });

// ---- moderation (§7) ----------------------------------------------------------------------

/** `kicked`, `banned` and `unmuted` (by "System" when the mute ran out). */
export interface SanctionContent {
	reason: string;
	/** The admin's display name. */
	by: string;
}

/** A mute's end (unix seconds); `by` is absent in the reminder sent on every connection. */
export interface MutedContent {
	until: number;
	reason: string;
	by?: string;
}

// ---- errors (§8) and auth (§2) ------------------------------------------------------------

export interface ErrorContent extends ErrorParams {
	code: ErrorCode;
	/** English; clients word the error from `code` and the parameters. */
	message: string;
	/** The `client_id` of the frame that failed, when it carried a usable one. */
	client_id?: string;
}

export interface AuthSuccessContent {
	user_id: number;
	user_name: string;
	username: string;
	is_admin: boolean;
}

/** `reason` and `message` are the same sentence; the socket closes (1008) right after. */
export interface AuthFailedContent {
	reason: string;
	message: string;
	code: ErrorCode;
	retry_after?: number;
}

// ---- changes to sent messages (§10) ---------------------------------------------------------

/** Where a change happened: a room, or a DM with `with` = the other participant for this reader. */
type ChangePlace = { room: string } | { with: number };

export type MessageEditedContent = ChangePlace & {
	message_id: number;
	content: string;
	edited_at: number;
	mentions: number[];
	seq: number;
};

export type MessageDeletedContent = ChangePlace & {
	message_id: number;
	seq: number;
	/** A deleted reply: its thread's summary after the deletion. */
	thread?: WireThread;
};

export type ReactionContent = ChangePlace & {
	message_id: number;
	emoji: string;
	user_id: number;
	user_name: string;
	on: boolean;
	/** The emoji's count on the message after this change (absolute: set it). */
	count: number;
	seq: number;
};

export interface ThreadContent {
	root: WireMessage;
	messages: WireMessage[];
	has_more: boolean;
}

// ---- the union ------------------------------------------------------------------------------

export type WelcomeEvent = Envelope<'welcome', WelcomeContent>;
export type UsersEvent = Envelope<'users', OnlineUser[]>;
export type HistoryEvent = Envelope<'history', HistoryContent>;
export type JoinEvent = Envelope<'join', PresenceContent>;
export type LeaveEvent = Envelope<'leave', PresenceContent>;
export type PresenceEvent = Envelope<'presence', PresenceBatchContent>;
export type UsersPageEvent = Envelope<'users_page', UsersPageContent>;
export type RoomJoinedEvent = Envelope<'room_joined', RoomJoinedContent>;
export type RoomLeftEvent = Envelope<'room_left', { room: string }>;
export type RoomCreatedEvent = Envelope<'room_created', RoomCreatedContent>;
/** A room's settings changed (issue 15); from whoever changed them. */
export interface RoomUpdatedContent {
	room: string;
	topic: string;
	private?: true;
	/** Present (true) while the room is archived (issue 15). */
	archived?: true;
}
export type RoomUpdatedEvent = Envelope<'room_updated', RoomUpdatedContent>;
export type MemberJoinedEvent = Envelope<'member_joined', MemberContent>;
export type MemberLeftEvent = Envelope<'member_left', MemberContent>;
export type RoomsEvent = Envelope<'rooms', RoomListing[]>;
export type TypingEvent = Envelope<'typing', TypingContent>;
/** To the renamed user's connections, from the user (under the new name). */
export type NameChangedEvent = Envelope<'name_changed', { old_name: string; new_name: string }>;
/** To everyone else, from the user (under the new name). */
export type UserRenamedEvent = Envelope<
	'user_renamed',
	{ user_id: number; old_name: string; new_name: string }
>;
export type MessageReadEvent = Envelope<'message_read', MessageReadContent>;
export type ReceiptsEvent = Envelope<'receipts', ReceiptsContent>;
export type ResumedEvent = Envelope<'resumed', ResumedContent>;
export type StatsEvent = Envelope<'stats', StatsContent>;
export type KickedEvent = Envelope<'kicked', SanctionContent>;
export type BannedEvent = Envelope<'banned', SanctionContent>;
export type MutedEvent = Envelope<'muted', MutedContent>;
export type UnmutedEvent = Envelope<'unmuted', SanctionContent>;
/** To everyone online but the target of its own event; belongs to `room` (#general). */
export type ModerationEvent = Envelope<'moderation', ModerationNotice> & { room: string };
export type PongEvent = Omit<Envelope<'pong', never>, 'content'>;
export type ErrorEvent = Envelope<'error', ErrorContent>;
export type AuthSuccessEvent = Envelope<'auth_success', AuthSuccessContent>;
export type AuthFailedEvent = Envelope<'auth_failed', AuthFailedContent>;
/** Change events carry their `seq` at the top level too (the resume cursor). */
export type MessageEditedEvent = Envelope<'message_edited', MessageEditedContent> & { seq: number };
export type MessageDeletedEvent = Envelope<'message_deleted', MessageDeletedContent> & {
	seq: number;
};
export type ReactionEvent = Envelope<'reaction', ReactionContent> & { seq: number };
export type ThreadEvent = Envelope<'thread', ThreadContent>;
export type NotificationsEvent = Envelope<'notifications', NotificationsContent>;
/** Someone's avatar, status or time zone changed (to every connection). */
export type ProfileUpdatedContent = ProfileFields & { user_id: number };
export type ProfileUpdatedEvent = Envelope<'profile_updated', ProfileUpdatedContent>;

export type ServerEvent =
	| WireMessage
	| WelcomeEvent
	| UsersEvent
	| HistoryEvent
	| JoinEvent
	| LeaveEvent
	| PresenceEvent
	| UsersPageEvent
	| RoomJoinedEvent
	| RoomLeftEvent
	| RoomCreatedEvent
	| RoomUpdatedEvent
	| MemberJoinedEvent
	| MemberLeftEvent
	| RoomsEvent
	| TypingEvent
	| NameChangedEvent
	| UserRenamedEvent
	| MessageReadEvent
	| ReceiptsEvent
	| ResumedEvent
	| StatsEvent
	| KickedEvent
	| BannedEvent
	| MutedEvent
	| UnmutedEvent
	| ModerationEvent
	| PongEvent
	| ErrorEvent
	| AuthSuccessEvent
	| AuthFailedEvent
	| MessageEditedEvent
	| MessageDeletedEvent
	| ReactionEvent
	| ThreadEvent
	| NotificationsEvent
	| ProfileUpdatedEvent;

export type ServerEventType = ServerEvent['type'];
/** Events in the system envelope: everything but a message object. */
export type EnvelopedEventType = Exclude<ServerEventType, MessageType>;

/**
 * The member of the union for `type` (a message object for all four message types, whose
 * `type` field is itself a union, so plain `Extract` would miss it).
 */
export type EventOf<T extends ServerEventType> = ServerEvent extends infer E
	? E extends { type: infer U }
		? T extends U
			? E
			: never
		: never
	: never;

/** The `content` of the event for `type` (undefined for `pong`). */
export type ContentOf<T extends ServerEventType> = T extends ServerEventType
	? EventOf<T> extends { content: infer C }
		? C
		: undefined
	: never;

/**
 * An event as a client receives it: parsed JSON with a string `type`, nothing checked yet. A
 * client narrows it to `ServerEvent` by its `type`, and reads it defensively all the same:
 * a server of another version may add event types and fields (or lack newer ones).
 */
export interface ReceivedEvent {
	type: string;
	timestamp?: number;
	from_id?: number;
	from_name?: string;
	content?: unknown;
	[key: string]: unknown;
}
