import type { ModerationNotice } from './admin';
import type { HistoryPage, OnlineUser, RoomListing, WireMessage } from './payloads';
import type {
	AuthFailedContent,
	AuthSuccessContent,
	EnvelopedEventType,
	Envelope,
	ErrorContent,
	HistoryContent,
	MemberContent,
	MessageReadContent,
	ModerationEvent,
	MutedContent,
	NotificationsContent,
	ProfileUpdatedContent,
	PongEvent,
	PresenceBatchContent,
	PresenceContent,
	ReceiptsContent,
	ResumedContent,
	RoomJoinedContent,
	SanctionContent,
	StatsContent,
	TypingContent,
	UsersPageContent,
	WelcomeContent
} from './server-events';

/**
 * The one place that wraps server events in their envelope (PROTOCOL.md §3): one small
 * builder per event type, each returning its member of the `ServerEvent` union. Message
 * objects are not built here: wire.ts encodes them from the stored record.
 */

/** The sender of server notices and replies. */
export const SYSTEM = { from_id: 0, from_name: 'System' } as const;

export function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

/** Who an event comes from when it is not System (the user who joined, typed, renamed…). */
interface From {
	id: number;
	name: string;
}

function envelope<T extends EnvelopedEventType, C>(
	type: T,
	content: C,
	from: From | null = null
): Envelope<T, C> {
	return {
		type,
		...(from ? { from_id: from.id, from_name: from.name } : SYSTEM),
		content,
		timestamp: nowSeconds()
	};
}

export const events = {
	welcome: (content: WelcomeContent) => envelope('welcome', content),
	users: (list: OnlineUser[]) => envelope('users', list),
	history: (content: HistoryContent) => envelope('history', content),
	/** From the user who came online. */
	join: (content: PresenceContent) =>
		envelope('join', content, { id: content.user_id, name: content.user_name }),
	leave: (content: PresenceContent) => envelope('leave', content),
	/** `online` / `offline` are left out when empty (absent means "none of yours changed"). */
	presence: ({ users_online, online = [], offline = [] }: PresenceBatchContent) =>
		envelope('presence', {
			users_online,
			...(online.length > 0 ? { online } : {}),
			...(offline.length > 0 ? { offline } : {})
		}),
	usersPage: (content: UsersPageContent) => envelope('users_page', content),

	roomJoined: (content: RoomJoinedContent) => envelope('room_joined', content),
	roomLeft: (room: string) => envelope('room_left', { room }),
	roomCreated: (room: { name: string; topic: string; isPrivate?: boolean }, by: From) =>
		envelope(
			'room_created',
			{
				room: room.name,
				name: room.name,
				topic: room.topic,
				created_by: by.id,
				...(room.isPrivate && { private: true as const })
			},
			by
		),
	roomUpdated: (
		room: { name: string; topic: string; isPrivate: boolean; archived: boolean },
		by: From
	) =>
		envelope(
			'room_updated',
			{
				room: room.name,
				topic: room.topic,
				...(room.isPrivate && { private: true as const }),
				...(room.archived && { archived: true as const })
			},
			by
		),
	/** From the member who joined. */
	memberJoined: (content: MemberContent) =>
		envelope('member_joined', content, { id: content.user_id, name: content.user_name }),
	/** From the member who left. */
	memberLeft: (content: MemberContent) =>
		envelope('member_left', content, { id: content.user_id, name: content.user_name }),
	rooms: (list: RoomListing[]) => envelope('rooms', list),

	/** From the typist. */
	typing: (content: TypingContent) =>
		envelope('typing', content, { id: content.user_id, name: content.user_name }),
	/** To the user's own connections, from the user under the new name. */
	nameChanged: (userId: number, names: { old_name: string; new_name: string }) =>
		envelope('name_changed', names, { id: userId, name: names.new_name }),
	/** To everyone else, from the user under the new name. */
	userRenamed: (userId: number, names: { old_name: string; new_name: string }) =>
		envelope('user_renamed', { user_id: userId, ...names }, { id: userId, name: names.new_name }),
	messageRead: (content: MessageReadContent) => envelope('message_read', content),
	receipts: (content: ReceiptsContent) => envelope('receipts', content),
	resumed: (content: ResumedContent) => envelope('resumed', content),
	/** A thread's root and a page of its replies (`{root, messages, has_more}`). */
	thread: (root: WireMessage, page: HistoryPage) => envelope('thread', { root, ...page }),
	stats: (content: StatsContent) => envelope('stats', content),
	/** A notification setting, to every connection of its user. */
	notifications: (content: NotificationsContent) => envelope('notifications', content),
	/** Someone's profile changed, to everyone (docs/protocol.md, "Profiles (issue 15)"). */
	profileUpdated: (content: ProfileUpdatedContent) => envelope('profile_updated', content),

	kicked: (content: SanctionContent) => envelope('kicked', content),
	banned: (content: SanctionContent) => envelope('banned', content),
	muted: (content: MutedContent) => envelope('muted', content),
	unmuted: (content: SanctionContent) => envelope('unmuted', content),
	/** A moderation notice; it belongs to `room` (#general). */
	moderation: (notice: ModerationNotice, room: string): ModerationEvent => ({
		...envelope('moderation', notice),
		room
	}),

	pong: (): PongEvent => ({ type: 'pong', ...SYSTEM, timestamp: nowSeconds() }),
	error: (content: ErrorContent) => envelope('error', content),
	authSuccess: (content: AuthSuccessContent) => envelope('auth_success', content),
	authFailed: (content: AuthFailedContent) => envelope('auth_failed', content)
};
