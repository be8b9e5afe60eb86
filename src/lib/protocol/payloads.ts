/**
 * The data server → client events carry (PROTOCOL.md §4, §6): room summaries, online users,
 * message objects, history pages. Shared by the server and the browser; the events that
 * carry them are in server-events.ts.
 */

/** How much a conversation may notify (docs/protocol.md, "Notification settings"). */
export type NotifyLevel = 'all' | 'mentions' | 'nothing';

/** A user's setting for one conversation; `muted`: no badge count, still marked unread. */
export interface NotifySetting {
	level: NotifyLevel;
	muted: boolean;
}

export interface RoomSummary {
	name: string;
	topic: string;
	members: number;
	unread: number;
	/** Unread messages that mention the user (PROTOCOL.md §10), capped at 999. */
	mentions?: number;
	last_message_id: number | null;
	/** Present (true) for a private room (issue 15): only members ever see it listed. */
	private?: true;
	/** The account that created the room (it may remove members); absent for seeded rooms. */
	created_by?: number;
	/**
	 * Present (true) for an archived room (issue 15): read-only; listed only to its members,
	 * whose web app shows it under "Archived rooms".
	 */
	archived?: true;
	/** The user's notification setting for the room; absent: the defaults (mentions, not muted). */
	notify?: NotifySetting;
}

/** A room as the welcome, `rooms` and `GET /api/rooms` list it: joined or offered. */
export interface RoomListing extends RoomSummary {
	joined: boolean;
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
	/** The user's notification setting for the conversation; absent: the defaults (all, not muted). */
	notify?: NotifySetting;
}

/**
 * What a profile adds to a person (docs/protocol.md, "Profiles (issue 15)"): `avatar_url` is
 * null when there is none (clients draw an initial), `status` and `time_zone` are '' when unset.
 */
export interface ProfileFields {
	avatar_url: string | null;
	status: string;
	time_zone: string;
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

export type MessageType = 'message' | 'image' | 'file' | 'private_message' | 'private_message_sent';

/**
 * A `file` message's content (PROTOCOL.md §12). `width`, `height` and `thumb_url` (a rendition
 * at most 480 px on its longer side) for raster images only; `caption` when one was given.
 */
export interface FileContent {
	url: string;
	name: string;
	size: number;
	content_type: string;
	width?: number;
	height?: number;
	thumb_url?: string;
	caption?: string;
}

/**
 * A message object as it travels live, in history and in resume (the one server event
 * without the system envelope). `message`/`image` carry `room`; a DM carries `to_id`, and
 * `to_name` in its sender's copy (`private_message_sent`). wire.ts encodes it.
 */
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
	content: string | { url: string } | FileContent;
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

/** A page of messages, oldest first; `has_more`: older ones exist. */
export interface HistoryPage {
	messages: WireMessage[];
	has_more: boolean;
	/**
	 * Pages read with `around` or `after` (docs/protocol.md, "History around a message"):
	 * newer messages exist after the page.
	 */
	has_newer?: boolean;
}

/**
 * Where a search matched, as data (never HTML): `text` is the message or an excerpt of it
 * (`…` where cut), `marks` the matched spans `[start, end)` in code points of `text`, in
 * order and not overlapping.
 */
export interface SearchSnippet {
	text: string;
	marks: [number, number][];
}

/** One search result: the message object, `with` (the DM peer) for a DM, and the snippet. */
export type SearchResult = WireMessage & { with?: number; snippet: SearchSnippet };

/** `GET /api/search` (PROTOCOL.md §11): newest first; `has_more`: older matches exist. */
export interface SearchPage {
	messages: SearchResult[];
	has_more: boolean;
}

/** One reader of a message, as `receipts` lists it. */
export interface ReadReceipt {
	user_id: number;
	name: string;
	/** When that reader's marker last moved, unix seconds. */
	read_at: number;
}
