import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	check,
	index,
	integer,
	pgTable,
	primaryKey,
	text,
	uniqueIndex
} from 'drizzle-orm/pg-core';

/**
 * The PostgreSQL schema: the same tables and meaning as sqlite/schema.ts plus the tables of
 * drizzle/0003 (changes, reactions, mentions) and `log_head`. Migrations are generated from
 * this file into drizzle/pg/ (drizzle.pg.config.ts). Ids, seqs and times are bigint (times
 * are Unix seconds, as in SQLite; int4 would end in 2038) and read back as JS numbers
 * (client.ts): every value stays far below 2^53.
 */
const id = (name: string) => bigint(name, { mode: 'number' });
/** Unix seconds; the protocol speaks seconds everywhere. */
const unixNow = sql`(extract(epoch from now())::bigint)`;

export const users = pgTable(
	'users',
	{
		id: id('id').primaryKey().generatedByDefaultAsIdentity(),
		username: text('username').notNull(),
		name: text('name').notNull(),
		passwordHash: text('password_hash').notNull(),
		role: text('role', { enum: ['user', 'admin'] })
			.notNull()
			.default('user'),
		createdAt: id('created_at').notNull().default(unixNow),
		bannedAt: id('banned_at'),
		banReason: text('ban_reason'),
		/** The confusable skeletons (identity/skeleton.ts) of the display name and the username. */
		nameSkeleton: text('name_skeleton'),
		usernameSkeleton: text('username_skeleton'),
		/** Set by an admin's password reset: login asks for a new password first. */
		mustChangePassword: boolean('must_change_password').notNull().default(false),
		/** Profiles (docs/protocol.md "Profiles (issue 15)"): the avatar's version token, or null. */
		avatar: text('avatar'),
		status: text('status').notNull().default(''),
		timeZone: text('time_zone').notNull().default('')
	},
	(t) => [
		// Usernames are unique ignoring case: "Alice" and "alice" are one account.
		uniqueIndex('users_username_lower').on(sql`lower(${t.username})`),
		index('users_name_skeleton').on(t.nameSkeleton),
		index('users_username_skeleton').on(t.usernameSkeleton)
	]
);

export const sessions = pgTable(
	'sessions',
	{
		/** sha256(token), hex. The token itself is never stored. */
		id: text('id').primaryKey(),
		userId: id('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		expiresAt: id('expires_at').notNull(),
		/** The id the session list names it by (random; never the token nor its hash). */
		publicId: text('public_id'),
		userAgent: text('user_agent').notNull().default(''),
		address: text('address').notNull().default(''),
		createdAt: id('created_at').notNull().default(0),
		lastSeenAt: id('last_seen_at').notNull().default(0)
	},
	(t) => [
		index('sessions_user').on(t.userId),
		index('sessions_expires').on(t.expiresAt),
		uniqueIndex('sessions_public_id').on(t.publicId)
	]
);

export const rooms = pgTable(
	'rooms',
	{
		id: id('id').primaryKey().generatedByDefaultAsIdentity(),
		name: text('name').notNull().unique(),
		topic: text('topic').notNull().default(''),
		createdBy: id('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: id('created_at').notNull().default(unixNow)
	},
	(t) => [index('rooms_created_by').on(t.createdBy, t.createdAt)]
);

export const roomMembers = pgTable(
	'room_members',
	{
		roomId: id('room_id')
			.notNull()
			.references(() => rooms.id, { onDelete: 'cascade' }),
		userId: id('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		joinedAt: id('joined_at').notNull().default(unixNow)
	},
	(t) => [primaryKey({ columns: [t.roomId, t.userId] }), index('room_members_user').on(t.userId)]
);

/**
 * The head of the change log: ONE row, the highest seq handed out. Every write batch locks
 * it (SELECT … FOR UPDATE) before taking seqs, so writers of every process queue on it and
 * seq order is commit order, with no holes (docs/architecture.md, "The change log").
 */
export const logHead = pgTable(
	'log_head',
	{
		one: integer('one').primaryKey().default(1),
		seq: id('seq').notNull().default(0)
	},
	(t) => [check('log_head_one_row', sql`${t.one} = 1`)]
);

/** The change log of PROTOCOL.md §10: every create, edit, delete and reaction, by seq. */
export const changes = pgTable(
	'changes',
	{
		seq: id('seq').primaryKey(),
		kind: text('kind', { enum: ['create', 'edit', 'delete', 'reaction'] }).notNull(),
		messageId: id('message_id').notNull(),
		roomId: id('room_id'),
		partyA: id('party_a'),
		partyB: id('party_b'),
		actorId: id('actor_id').notNull(),
		actorName: text('actor_name').notNull(),
		emoji: text('emoji'),
		reactionOn: integer('reaction_on'),
		reactionCount: integer('reaction_count'),
		createdAt: id('created_at').notNull()
	},
	(t) => [index('changes_message').on(t.messageId)]
);

export const messages = pgTable(
	'messages',
	{
		/** The seq of its 'create' row in `changes` (not an identity: the log hands it out). */
		id: id('id').primaryKey(),
		roomId: id('room_id').references(() => rooms.id, { onDelete: 'cascade' }),
		/** An account id, or a guest id (guest ids start at 1e9 and never collide with accounts). */
		senderId: id('sender_id').notNull(),
		/** The sender's display name when sent (guests have no users row to join). */
		senderName: text('sender_name').notNull(),
		recipientId: id('recipient_id'),
		/** DMs only: 'low:high' of the two user ids, so one index serves a conversation both ways. */
		conversation: text('conversation'),
		kind: text('kind', { enum: ['text', 'image'] })
			.notNull()
			.default('text'),
		body: text('body').notNull(),
		clientId: text('client_id'),
		createdAt: id('created_at').notNull().default(unixNow),
		editedAt: id('edited_at'),
		deletedAt: id('deleted_at'),
		replyToId: id('reply_to_id'),
		threadRootId: id('thread_root_id'),
		/** JSON array of user ids, as on SQLite (so both dialects hydrate it alike). */
		mentions: text('mentions')
	},
	(t) => [
		uniqueIndex('messages_sender_client').on(t.senderId, t.clientId),
		index('messages_room_id').on(t.roomId, t.id),
		index('messages_conversation_id').on(t.conversation, t.id),
		index('messages_recipient_id').on(t.recipientId, t.id),
		index('messages_created').on(t.createdAt),
		index('messages_thread').on(t.threadRootId, t.id),
		check('messages_room_or_dm', sql`(${t.roomId} IS NULL) <> (${t.recipientId} IS NULL)`)
	]
);

export const reactions = pgTable(
	'reactions',
	{
		messageId: id('message_id')
			.notNull()
			.references(() => messages.id, { onDelete: 'cascade' }),
		emoji: text('emoji').notNull(),
		userId: id('user_id').notNull(),
		createdAt: id('created_at').notNull(),
		/** Insertion order (SQLite's rowid): emoji in order of first use, users as they reacted. */
		pos: id('pos').notNull().generatedAlwaysAsIdentity()
	},
	(t) => [
		primaryKey({ columns: [t.messageId, t.emoji, t.userId] }),
		index('reactions_order').on(t.messageId, t.pos)
	]
);

export const mentions = pgTable(
	'mentions',
	{
		userId: id('user_id').notNull(),
		messageId: id('message_id')
			.notNull()
			.references(() => messages.id, { onDelete: 'cascade' }),
		roomId: id('room_id'),
		senderId: id('sender_id').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.userId, t.messageId] }),
		index('mentions_scope').on(t.userId, t.roomId, t.senderId, t.messageId)
	]
);

export const readMarkers = pgTable(
	'read_markers',
	{
		userId: id('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** 'r:<roomId>' or 'u:<peerId>': one row per (user, room or conversation). */
		scope: text('scope').notNull(),
		roomId: id('room_id').references(() => rooms.id, { onDelete: 'cascade' }),
		peerId: id('peer_id'),
		lastReadId: id('last_read_id').notNull(),
		updatedAt: id('updated_at').notNull().default(unixNow)
	},
	(t) => [
		primaryKey({ columns: [t.userId, t.scope] }),
		index('read_markers_room').on(t.roomId, t.lastReadId),
		index('read_markers_peer').on(t.peerId, t.lastReadId),
		index('read_markers_scope').on(t.scope, t.lastReadId)
	]
);

export const mutes = pgTable('mutes', {
	userId: id('user_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	until: id('until').notNull(),
	reason: text('reason').notNull().default(''),
	by: id('by').references(() => users.id, { onDelete: 'set null' }),
	createdAt: id('created_at').notNull().default(unixNow)
});

export const auditLog = pgTable(
	'audit_log',
	{
		id: id('id').primaryKey().generatedByDefaultAsIdentity(),
		actorId: id('actor_id').notNull(),
		action: text('action').notNull(),
		targetId: id('target_id').notNull(),
		reason: text('reason').notNull().default(''),
		until: id('until'),
		createdAt: id('created_at').notNull().default(unixNow)
	},
	(t) => [index('audit_log_created').on(t.createdAt)]
);

/** Small named counters that must survive restarts and retention (e.g. `guest_id_high`). */
export const meta = pgTable('meta', {
	key: text('key').primaryKey(),
	value: id('value').notNull()
});
