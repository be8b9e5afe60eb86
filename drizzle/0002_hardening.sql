CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `users` ADD `name_skeleton` text;--> statement-breakpoint
ALTER TABLE `users` ADD `username_skeleton` text;--> statement-breakpoint
CREATE INDEX `users_name_skeleton` ON `users` (`name_skeleton`);--> statement-breakpoint
CREATE INDEX `users_username_skeleton` ON `users` (`username_skeleton`);--> statement-breakpoint
CREATE INDEX `read_markers_scope` ON `read_markers` (`scope`,`last_read_id`);--> statement-breakpoint
CREATE INDEX `rooms_created_by` ON `rooms` (`created_by`,`created_at`);