-- Notification settings (issue 15 item 4, docs/protocol.md "Notification settings"): one row
-- per (user, room or conversation) that differs from the defaults; `scope` is keyed like
-- read_markers: 'r:<roomId>' or 'u:<peerId>'. `level`: 'all' | 'mentions' | 'nothing'.
CREATE TABLE `notification_settings` (
	`user_id` integer NOT NULL,
	`scope` text NOT NULL,
	`room_id` integer,
	`peer_id` integer,
	`level` text NOT NULL,
	`muted` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `scope`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`peer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
