import type { ClientMessage, ClientMessageType } from '$lib/protocol/client';
import type { MessageChanges } from '../../chat/changes';
import type { ReceiptService } from '../../chat/receipts';
import type { NotificationSettings } from '../../chat/notifications';
import type { RoomMembers } from '../../chat/room-members';
import type { RoomSettings } from '../../chat/room-settings';
import type { ChatService } from '../../chat/service';
import type { TypingRelay } from '../../chat/typing';
import type { FileService } from '../../files/service';
import type { ProfileService } from '../../profiles/service';
import type { Renames } from '../../identity/rename';
import type { ModerationService } from '../../moderation/service';
import type { ServerStats } from '../../stats';
import type { Connection, Identity } from '../connection';
import type { HistoryPages } from '../history';
import type { Hub } from '../hub';
import type { OnlineDirectory } from '../online';

/**
 * What socket handlers may use: the services' entry points and nothing else (no database,
 * no App). Handlers adapt a frame to a service call and answer the requesting connection;
 * anything another client must see, the service publishes on the bus.
 */
export interface HandlerServices {
	chat: Pick<
		ChatService,
		| 'sendToRoom'
		| 'sendDirect'
		| 'sendFile'
		| 'roomHistory'
		| 'dmHistory'
		| 'missed'
		| 'createRoom'
		| 'join'
		| 'leave'
		| 'roomSummaries'
		| 'requireRoom'
		| 'requireJoinable'
		| 'latestPage'
	>;
	receipts: Pick<ReceiptService, 'markRead' | 'receipts'>;
	/** Notification settings: a change is answered on all of the user's connections. */
	notifications: Pick<NotificationSettings, 'set' | 'decorateRooms'>;
	/** Profiles: a change is answered with `profile_updated` to everyone. */
	profiles: Pick<ProfileService, 'setText'>;
	changes: Pick<MessageChanges, 'edit' | 'delete' | 'react' | 'thread'>;
	/** Invitations and removals (issue 15). */
	members: Pick<RoomMembers, 'invite' | 'remove'>;
	/** A room's topic and visibility (issue 15). */
	settings: Pick<RoomSettings, 'update'>;
	/** Uploads (PROTOCOL.md §12): a `file` frame posts one of the sender's own. */
	files: Pick<FileService, 'claim'>;
	moderation: Pick<ModerationService, 'kick' | 'mute' | 'unmute' | 'ban' | 'unban'>;
	renames: Pick<Renames, 'rename'>;
	typing: Pick<TypingRelay, 'typing'>;
	/** The connection registry: a join subscribes the asking connection; a watch registers it. */
	hub: Pick<Hub, 'subscribe' | 'unsubscribe' | 'watch'>;
	/** Who is online in the whole community: `get_users` lists them. */
	online: Pick<OnlineDirectory, 'someUsers' | 'usersPage' | 'usersByIds' | 'usersOnline'>;
	/** PRESENCE_BROADCAST_MAX: the cap of `users` in a large community. */
	presenceBroadcastMax: number;
	history: Pick<HistoryPages, 'roomEvent'>;
	stats: Pick<ServerStats, 'snapshot'>;
}

export interface HandlerContext {
	services: HandlerServices;
	conn: Connection;
	/** The identity of an authenticated connection (handlers other than auth/ping only run then). */
	who: Identity;
	/** performance.now() when the frame arrived (send-latency metrics). */
	receivedAt: number;
}

export type Handler<T extends ClientMessageType> = (
	ctx: HandlerContext,
	msg: ClientMessage<T>
) => void | Promise<void>;

export type HandlerMap = { [K in ClientMessageType]?: Handler<K> };
