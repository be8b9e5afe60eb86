import type { ModerationNotice } from '$lib/protocol/admin';
import type { DirectSummary, ErrorContent, RoomSummary } from '$lib/protocol/events';
import type { Conversation, ChatItem } from '../conversation.svelte';
import type { OutboxStorage } from '../outbox';

export const MAX_MESSAGE_LENGTH = 4000;
export const HISTORY_PAGE = 50;

/** What the store needs from the connection. */
export interface Transport {
	send(message: object): boolean;
}

export interface Me {
	id: number;
	name: string;
	isAdmin: boolean;
}

export interface Mute {
	until: number;
	reason: string;
}

/** Texts the store produces itself (system notices, moderation); the page supplies them translated. */
export interface StoreTexts {
	memberJoined(name: string): string;
	memberLeft(name: string): string;
	/** A moderation notice (live or from history; older servers' may lack fields). */
	moderation(notice: Partial<ModerationNotice>): string;
	/** An `error` event's content, worded from its code and parameters (else its message). */
	error?(content: Partial<ErrorContent>): string;
}

export interface ChatStoreOptions {
	me: Me;
	transport: Transport;
	directs?: DirectSummary[];
	/** Room summaries from the page load, so the sidebar and a `/r/<room>` address work before the socket. */
	rooms?: (RoomSummary & { joined?: boolean })[];
	mute?: Mute | null;
	texts: StoreTexts;
	/** Leaves the app (kicked, banned, logged out). */
	navigate: (url: string) => void;
	/** A message from someone else arrived (for browser notifications). */
	onIncoming?: (conv: Conversation, item: ChatItem) => void;
	/** Is the user looking at this conversation right now (visible, focused, at the bottom)? */
	isWatching?: (conv: Conversation) => boolean;
	newClientId?: () => string;
	/** Where unsent messages survive a reload (per account); none: memory only. */
	outboxStorage?: OutboxStorage;
	now?: () => number;
	setTimer?: (fn: () => void, ms: number) => unknown;
	clearTimer?: (id: unknown) => void;
}

/** Timers, injected so that tests fire them by hand. */
export interface Timers {
	set(fn: () => void, ms: number): unknown;
	clear(id: unknown): void;
}
