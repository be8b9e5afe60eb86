import type { ErrorCode, ErrorParams } from './errors';

/** Server → client events (PROTOCOL.md §3, §4, §6). Shared by the server and the browser. */

export interface RoomSummary {
	name: string;
	topic: string;
	members: number;
	unread: number;
	/** Unread messages that mention the user (PROTOCOL.md §10), capped at 999. */
	mentions?: number;
	last_message_id: number | null;
}

/** A direct conversation as the chat page's load lists it (the welcome lists rooms only). */
export interface DirectSummary {
	peer_id: number;
	peer_name: string;
	/** For the conversation's address, `/dm/<username>`; null when the account is gone. */
	peer_username?: string | null;
	last_message_id: number;
	/** Messages from the peer past this user's read marker. */
	unread: number;
	/** Of those, the ones that mention the user. */
	mentions?: number;
	/** How far the peer has read this user's messages (for "Read" on sent DMs). */
	peer_read_id: number;
}

export interface OnlineUser {
	id: number;
	name: string;
	/** The account's @username (stable; the display name can change); null for guests. */
	username?: string | null;
	connected_at: number;
	is_admin: boolean;
	is_guest?: boolean;
}

export type MessageType = 'message' | 'image' | 'private_message' | 'private_message_sent';

/** A message object as it travels in events, history and resume. */
export interface WireMessage {
	type: MessageType;
	id: number;
	room?: string;
	to_id?: number;
	to_name?: string;
	from_id: number;
	/** The sender's display name when the message was sent. */
	from_name: string;
	/** The sender's @username (accounts only): stable, unlike the display name. */
	from_username?: string;
	/** Present (true) when the sender is an admin now: a badge no display name can fake. */
	from_is_admin?: true;
	content: string | { url: string };
	timestamp: number;
	client_id?: string;
	/** Version 2 (PROTOCOL.md §10): the message's place in the change log (= id). */
	seq?: number;
	edited_at?: number | null;
	reactions?: { emoji: string; count: number; user_ids: number[] }[];
	mentions?: number[];
	reply_count?: number;
	last_reply_at?: number;
	reply_to?: WireReplyQuote;
	/** Replies: the thread root's summary when this object was made (absolute values). */
	thread?: WireThread;
}

export type WireReplyQuote =
	| { id: number; from_id: number; from_name: string; excerpt: string }
	| { id: number; deleted: true };

export interface WireThread {
	root_id: number;
	reply_count: number;
	last_reply_at?: number;
}

export interface HistoryPage {
	messages: WireMessage[];
	has_more: boolean;
}

export interface ServerEvent {
	type: string;
	timestamp: number;
	from_id?: number;
	from_name?: string;
	content?: unknown;
	[key: string]: unknown;
}

export interface ErrorContent extends ErrorParams {
	code: ErrorCode;
	message: string;
}

export const SYSTEM = { from_id: 0, from_name: 'System' } as const;

export function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

/** Builds a server notice or reply in the envelope every event shares. */
export function systemEvent(type: string, content?: unknown): ServerEvent {
	return { type, ...SYSTEM, content, timestamp: nowSeconds() };
}
