-- Account security (issue 15 item 3). A session remembers its device: a public id to name
-- it in the API (never the token, nor its sha256), the user agent and address it was last
-- seen from, and when it began and was last seen (updated at most once a minute).
-- Sessions from before this migration get a random public id and "now" as their times.
ALTER TABLE `sessions` ADD `public_id` text;
--> statement-breakpoint
ALTER TABLE `sessions` ADD `user_agent` text DEFAULT '' NOT NULL;
--> statement-breakpoint
ALTER TABLE `sessions` ADD `address` text DEFAULT '' NOT NULL;
--> statement-breakpoint
ALTER TABLE `sessions` ADD `created_at` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE `sessions` ADD `last_seen_at` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
UPDATE `sessions` SET `public_id` = lower(hex(randomblob(12))), `created_at` = unixepoch(), `last_seen_at` = unixepoch();
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_public_id` ON `sessions` (`public_id`);
--> statement-breakpoint
-- Set by an admin's password reset: login refuses until the user chooses a new password.
ALTER TABLE `users` ADD `must_change_password` integer DEFAULT 0 NOT NULL;
