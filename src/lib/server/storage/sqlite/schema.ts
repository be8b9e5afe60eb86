import { sql } from 'drizzle-orm';
import {
	check,
	index,
	integer,
	primaryKey,
	sqliteTable,
	text,
	uniqueIndex
} from 'drizzle-orm/sqlite-core';

/** Unix seconds; the protocol speaks seconds everywhere. */
const unixNow = sql`(unixepoch())`;

export const users = sqliteTable(
	'users',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		username: text('username').notNull(),
		name: text('name').notNull(),
		passwordHash: text('password_hash').notNull(),
		role: text('role', { enum: ['user', 'admin'] })
			.notNull()
			.default('user'),
		createdAt: integer('created_at').notNull().default(unixNow),
		bannedAt: integer('banned_at'),
		banReason: text('ban_reason'),
		/**
		 * The confusable skeletons (identity/skeleton.ts) of the display name and the username,
		 * so a rename that looks like someone else is found with an index. Filled in by
		 * NameRegistry when missing (rows written before the column, or by the auth service).
		 */
		nameSkeleton: text('name_skeleton'),
		usernameSkeleton: text('username_skeleton'),
		/** Set by an admin's password reset: login asks for a new password first. */
		mustChangePassword: integer('must_change_password').notNull().default(0),
		/** Profiles (docs/protocol.md "Profiles (issue 15)"): the avatar's version token, or null. */
		avatar: text('avatar'),
		status: text('status').notNull().default(''),
		timeZone: text('time_zone').notNull().default('')
	},
	(t) => [
		// Usernames are unique ignoring case: "Alice" and "alice" are one account.
		uniqueIndex('users_username_nocase').on(sql`${t.username} COLLATE NOCASE`),
		index('users_name_skeleton').on(t.nameSkeleton),
		index('users_username_skeleton').on(t.usernameSkeleton)
	]
);

export const sessions = sqliteTable(
	'sessions',
	{
		/** sha256(token), hex. The token itself is never stored. */
		id: text('id').primaryKey(),
		userId: integer('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		expiresAt: integer('expires_at').notNull(),
		/** The id the session list names it by (random; never the token nor its hash). */
		publicId: text('public_id'),
		userAgent: text('user_agent').notNull().default(''),
		address: text('address').notNull().default(''),
		createdAt: integer('created_at').notNull().default(0),
		lastSeenAt: integer('last_seen_at').notNull().default(0)
	},
	(t) => [index('sessions_user').on(t.userId), uniqueIndex('sessions_public_id').on(t.publicId)]
);

export const rooms = sqliteTable(
	'rooms',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		name: text('name').notNull().unique(),
		topic: text('topic').notNull().default(''),
		createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: integer('created_at').notNull().default(unixNow)
	},
	// The room-creation quota counts a user's rooms of the last day.
	(t) => [index('rooms_created_by').on(t.createdBy, t.createdAt)]
);

export const roomMembers = sqliteTable(
	'room_members',
	{
		roomId: integer('room_id')
			.notNull()
			.references(() => rooms.id, { onDelete: 'cascade' }),
		userId: integer('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		joinedAt: integer('joined_at').notNull().default(unixNow)
	},
	(t) => [primaryKey({ columns: [t.roomId, t.userId] }), index('room_members_user').on(t.userId)]
);

export const messages = sqliteTable(
	'messages',
	{
		/** One sequence across rooms and DMs, strictly increasing in commit order. */
		id: integer('id').primaryKey({ autoIncrement: true }),
		roomId: integer('room_id').references(() => rooms.id, { onDelete: 'cascade' }),
		/** An account id, or a guest id (guest ids start at 1e9 and never collide with accounts). */
		senderId: integer('sender_id').notNull(),
		/** The sender's display name when sent (guests have no users row to join). */
		senderName: text('sender_name').notNull(),
		recipientId: integer('recipient_id'),
		/** DMs only: 'low:high' of the two user ids, so one index serves a conversation both ways. */
		conversation: text('conversation'),
		kind: text('kind', { enum: ['text', 'image'] })
			.notNull()
			.default('text'),
		body: text('body').notNull(),
		clientId: text('client_id'),
		createdAt: integer('created_at').notNull().default(unixNow)
	},
	(t) => [
		uniqueIndex('messages_sender_client').on(t.senderId, t.clientId),
		index('messages_room_id').on(t.roomId, t.id),
		index('messages_conversation_id').on(t.conversation, t.id),
		index('messages_recipient_id').on(t.recipientId, t.id),
		index('messages_created').on(t.createdAt),
		check('messages_room_or_dm', sql`(${t.roomId} IS NULL) <> (${t.recipientId} IS NULL)`)
	]
);

export const readMarkers = sqliteTable(
	'read_markers',
	{
		userId: integer('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** 'r:<roomId>' or 'u:<peerId>': one row per (user, room or conversation). */
		scope: text('scope').notNull(),
		roomId: integer('room_id').references(() => rooms.id, { onDelete: 'cascade' }),
		peerId: integer('peer_id'),
		lastReadId: integer('last_read_id').notNull(),
		updatedAt: integer('updated_at').notNull().default(unixNow)
	},
	(t) => [
		primaryKey({ columns: [t.userId, t.scope] }),
		index('read_markers_room').on(t.roomId, t.lastReadId),
		index('read_markers_peer').on(t.peerId, t.lastReadId),
		// get_receipts: who in a room or conversation has read at or past a message.
		index('read_markers_scope').on(t.scope, t.lastReadId)
	]
);

export const mutes = sqliteTable('mutes', {
	userId: integer('user_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	until: integer('until').notNull(),
	reason: text('reason').notNull().default(''),
	by: integer('by').references(() => users.id, { onDelete: 'set null' }),
	createdAt: integer('created_at').notNull().default(unixNow)
});

export const auditLog = sqliteTable(
	'audit_log',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		actorId: integer('actor_id').notNull(),
		action: text('action').notNull(),
		targetId: integer('target_id').notNull(),
		reason: text('reason').notNull().default(''),
		until: integer('until'),
		createdAt: integer('created_at').notNull().default(unixNow)
	},
	(t) => [index('audit_log_created').on(t.createdAt)]
);

/**
 * Small named counters that must survive restarts and retention, e.g. `guest_id_high`: guest
 * ids handed out so far, so that no guest id is ever given twice.
 */
export const meta = sqliteTable('meta', {
	key: text('key').primaryKey(),
	value: integer('value').notNull()
});

export type UserRow = typeof users.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type RoomRow = typeof rooms.$inferSelect;
