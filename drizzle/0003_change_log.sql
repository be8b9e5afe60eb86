-- The change log of PROTOCOL.md §10 (issue 11). Every persisted change takes the next `seq`
-- from `changes` (AUTOINCREMENT: never reused, even after retention deletes the newest rows);
-- a new message's id is the seq of its 'create' row, so ids and changes share one sequence.
CREATE TABLE `changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`message_id` integer NOT NULL,
	`room_id` integer,
	`party_a` integer,
	`party_b` integer,
	`actor_id` integer NOT NULL,
	`actor_name` text NOT NULL,
	`emoji` text,
	`reaction_on` integer,
	`reaction_count` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `changes` (`seq`, `kind`, `message_id`, `room_id`, `party_a`, `party_b`, `actor_id`, `actor_name`, `created_at`)
	SELECT `id`, 'create', `id`, `room_id`, CASE WHEN `room_id` IS NULL THEN `sender_id` END, `recipient_id`, `sender_id`, `sender_name`, `created_at`
	FROM `messages` ORDER BY `id`;
--> statement-breakpoint
CREATE INDEX `changes_message` ON `changes` (`message_id`);--> statement-breakpoint
ALTER TABLE `messages` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `reply_to_id` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `thread_root_id` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `mentions` text;--> statement-breakpoint
CREATE INDEX `messages_thread` ON `messages` (`thread_root_id`,`id`);--> statement-breakpoint
CREATE TABLE `reactions` (
	`message_id` integer NOT NULL REFERENCES `messages`(`id`) ON DELETE CASCADE,
	`emoji` text NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY (`message_id`, `emoji`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `mentions` (
	`user_id` integer NOT NULL,
	`message_id` integer NOT NULL REFERENCES `messages`(`id`) ON DELETE CASCADE,
	`room_id` integer,
	`sender_id` integer NOT NULL,
	PRIMARY KEY (`user_id`, `message_id`)
);
--> statement-breakpoint
CREATE INDEX `mentions_scope` ON `mentions` (`user_id`, `room_id`, `sender_id`, `message_id`);
