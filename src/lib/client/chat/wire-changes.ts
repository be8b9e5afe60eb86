import type { WireMessage } from '$lib/protocol/events';

/**
 * What PROTOCOL.md §10 adds to the wire, as the browser reads it. The protocol module owns the
 * shared types; these are the client's view of the new fields until they land there, and every
 * one is optional so an older server's messages still read.
 */

export interface WireReaction {
	emoji: string;
	count: number;
	/** At most the first 50 who reacted. */
	user_ids: number[];
}

/** The parent a reply quotes; `deleted` once the parent is gone. */
export type WireReplyTo =
	| { id: number; from_id: number; from_name: string; excerpt: string; deleted?: undefined }
	| { id: number; deleted: true };

/** A thread root's summary when the event was made: absolute, so a replay never double-counts. */
export interface WireThreadSummary {
	root_id: number;
	reply_count: number;
	last_reply_at?: number;
}

/** A message object with the §10 fields. */
export interface ChangingMessage extends WireMessage {
	seq?: number;
	edited_at?: number | null;
	reactions?: WireReaction[];
	mentions?: number[];
	reply_count?: number;
	last_reply_at?: number;
	reply_to?: WireReplyTo;
	thread?: WireThreadSummary;
}
