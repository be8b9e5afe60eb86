import { z } from 'zod';

/**
 * Client → server messages (PROTOCOL.md §5). Unknown extra fields are stripped.
 * Only types are checked here; limits with their own error codes (empty, too_large,
 * invalid_name) are checked by the services so the code is the one the protocol names.
 */

/** Ids may be sent as numbers or numeric strings. */
export const idSchema = z.union([
	z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
	z
		.string()
		.regex(/^\d{1,16}$/)
		.transform(Number)
		.pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
]);
/** Like idSchema but 0 is allowed (resume after nothing). */
export const cursorSchema = z.union([
	z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
	z
		.string()
		.regex(/^\d{1,16}$/)
		.transform(Number)
		.pipe(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))
]);
const roomName = z.string().max(64);
/** A page size 1–100, as a number or a numeric string like the ids. */
const limitSchema = z.union([
	z.number().int().min(1).max(100),
	z
		.string()
		.regex(/^\d{1,3}$/)
		.transform(Number)
		.pipe(z.number().int().min(1).max(100))
]);
/** Names a send so that it is stored once and its echo or refusal is recognized. */
export const clientIdSchema = z.string().min(1).max(64);
const clientId = clientIdSchema;
/** An upload's id (files.ts makes them: 22 base64url characters). */
export const uploadIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not an upload id');
/** Why a moderation action was taken (shown to the target and kept in the audit log). */
export const reasonSchema = z.string().max(500).optional();
const reason = reasonSchema;
/** A mute lasts 1 second to 30 days. */
export const MAX_MUTE_SECONDS = 30 * 24 * 3600;
export const muteSecondsSchema = z.number().int().min(1).max(MAX_MUTE_SECONDS);

/** A notification setting's change: one conversation, and at least one of level and muted. */
export const notifySchema = z
	.object({
		room: roomName.optional(),
		with: idSchema.optional(),
		level: z.enum(['all', 'mentions', 'nothing']).optional(),
		muted: z.boolean().optional()
	})
	.refine((m) => (m.room === undefined) !== (m.with === undefined), 'Give either room or with')
	.refine((m) => m.level !== undefined || m.muted !== undefined, 'Give level or muted');

/** Longest status text, in code points (docs/protocol.md, "Profiles (issue 15)"). */
export const MAX_STATUS_CHARS = 80;
/** A profile's change: at least one of status and time zone ('' clears either). */
export const profileSchema = z
	.object({
		status: z
			.string()
			.max(MAX_STATUS_CHARS * 4)
			.optional(),
		time_zone: z.string().max(64).optional()
	})
	.refine((p) => p.status !== undefined || p.time_zone !== undefined, 'Give status or time_zone');

export const clientMessageSchemas = {
	message: z.object({
		content: z.string(),
		room: roomName.optional(),
		client_id: clientId.optional(),
		reply_to: idSchema.optional()
	}),
	image: z.object({
		url: z.string(),
		room: roomName.optional(),
		client_id: clientId.optional(),
		reply_to: idSchema.optional()
	}),
	// PROTOCOL.md §12: posts an upload (POST /api/uploads) once, to a room or a DM; `content`
	// is the caption.
	file: z
		.object({
			upload_id: uploadIdSchema,
			room: roomName.optional(),
			to_id: idSchema.optional(),
			content: z.string().optional(),
			client_id: clientId.optional(),
			reply_to: idSchema.optional()
		})
		.refine((f) => f.room === undefined || f.to_id === undefined, 'give room or to_id, not both'),
	private_message: z.object({
		to_id: idSchema,
		content: z.string(),
		client_id: clientId.optional(),
		reply_to: idSchema.optional()
	}),
	// Version 2 (PROTOCOL.md §10): changes to sent messages, and threads.
	edit_message: z.object({ message_id: idSchema, content: z.string() }),
	delete_message: z.object({ message_id: idSchema }),
	// The one-emoji rule has its own wording (message-rules.ts); only the type is checked here.
	react: z.object({
		message_id: idSchema,
		emoji: z.string().max(64),
		on: z.boolean().optional()
	}),
	get_thread: z.object({
		message_id: idSchema,
		before: idSchema.optional(),
		limit: limitSchema.optional()
	}),
	// Any bad name, missing or not a string included, is `invalid_name` (checked by the handler).
	set_name: z.object({ name: z.unknown().optional() }),
	// docs/protocol.md, "Profiles (issue 15)": status text and time zone (checked by the service).
	set_profile: profileSchema,
	// Paged when either is given (docs/protocol.md, "Large communities (§13)").
	get_users: z.object({
		after_id: cursorSchema.optional(),
		limit: z.number().int().min(1).max(1000).optional()
	}),
	watch_presence: z.object({
		all: z.boolean().optional(),
		user_ids: z.array(idSchema).max(1000).optional()
	}),
	get_stats: z.object({}),
	get_rooms: z.object({}),
	// docs/protocol.md, "Notification settings": a room or a DM peer, and what changes.
	set_notifications: notifySchema,
	create_room: z.object({
		name: z.string(),
		topic: z.string().max(200).optional(),
		// Issue 15: seen only by its members, who invite others in.
		private: z.boolean().optional()
	}),
	join_room: z.object({ room: roomName }),
	leave_room: z.object({ room: roomName }),
	invite: z.object({ room: roomName, user_id: idSchema }),
	update_room: z.object({
		room: roomName,
		topic: z.string().max(200).optional(),
		private: z.boolean().optional(),
		// Issue 15: read-only and out of the lists of rooms to join; false puts it back.
		archived: z.boolean().optional()
	}),
	remove_member: z.object({ room: roomName, user_id: idSchema }),
	get_history: z
		.object({
			room: roomName.optional(),
			with: idSchema.optional(),
			before: idSchema.optional(),
			// A window centred on a message, or the page after one (docs/protocol.md, "History
			// around a message"): a search result opened in its conversation, scrolled both ways.
			around: idSchema.optional(),
			after: idSchema.optional(),
			limit: limitSchema.optional()
		})
		// Neither means the default room (as on connect); both is ambiguous.
		.refine((m) => m.room === undefined || m.with === undefined, 'Give either room or with')
		.refine(
			(m) => [m.before, m.around, m.after].filter((v) => v !== undefined).length <= 1,
			'Give at most one of before, around and after'
		),
	// `after_seq` is accepted for `after_id` (PROTOCOL.md §10: the cursor is a seq).
	resume: z.union([
		z.object({ after_id: cursorSchema }),
		z.object({ after_seq: cursorSchema }).transform((m) => ({ after_id: m.after_seq }))
	]),
	typing: z.object({
		is_typing: z.boolean(),
		room: roomName.optional(),
		to_id: idSchema.optional()
	}),
	read: z.object({ message_id: idSchema }),
	get_receipts: z.object({ message_id: idSchema }),
	kick: z.object({ target_id: idSchema, reason }),
	mute: z.object({
		target_id: idSchema,
		duration_seconds: muteSecondsSchema,
		reason
	}),
	unmute: z.object({ target_id: idSchema }),
	ban: z.object({ target_id: idSchema, reason }),
	unban: z.object({ target_id: idSchema, reason }),
	ping: z.object({}),
	auth: z.object({ username: z.string(), password: z.string() })
} as const;

export type ClientMessageType = keyof typeof clientMessageSchemas;
export type ClientMessage<T extends ClientMessageType> = z.output<(typeof clientMessageSchemas)[T]>;

export function isClientMessageType(type: string): type is ClientMessageType {
	return Object.hasOwn(clientMessageSchemas, type);
}

/** HTTP bodies of PROTOCOL.md §10 (the same fields as the socket frames). */
export const postMessageBody = z.object({
	content: z.string(),
	client_id: clientId.optional(),
	reply_to: idSchema.optional()
});
export const editMessageBody = z.object({ content: z.string() });

/**
 * The frame's `client_id` when it is one the schema accepts, whatever the rest of the frame
 * is worth: an `error` answering the frame names it, so the client knows which send failed.
 */
export function clientIdOf(frame: object): string | undefined {
	const parsed = clientIdSchema.safeParse((frame as { client_id?: unknown }).client_id);
	return parsed.success ? parsed.data : undefined;
}
