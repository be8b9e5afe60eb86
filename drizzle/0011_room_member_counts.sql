-- Each room's member count, kept by triggers in the same transaction as the membership row.
-- Every connection's room list showed `members`; counting general's room_members rows for
-- each of 10,000 reconnecting clients was the largest item of the restart storm's profile
-- (docs/performance.md, scenario 12). Triggers keep it right whatever path adds or removes a
-- member (joins, invitations, removals, cascades from a deleted account or room).
ALTER TABLE `rooms` ADD `member_count` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
UPDATE `rooms` SET `member_count` = (SELECT COUNT(*) FROM `room_members` rm WHERE rm.`room_id` = `rooms`.`id`);
--> statement-breakpoint
CREATE TRIGGER `room_members_count_insert` AFTER INSERT ON `room_members` BEGIN
	UPDATE `rooms` SET `member_count` = `member_count` + 1 WHERE `id` = NEW.`room_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `room_members_count_delete` AFTER DELETE ON `room_members` BEGIN
	UPDATE `rooms` SET `member_count` = `member_count` - 1 WHERE `id` = OLD.`room_id`;
END;
