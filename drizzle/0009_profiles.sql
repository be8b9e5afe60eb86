-- Profiles (issue 15 item 2, docs/protocol.md "Profiles (issue 15)"): `avatar` is the version
-- token of the account's avatar blob (`avatar-<id>-<token>` in the blob store; NULL: none, the
-- client draws an initial); `status` is a short text ('' = none); `time_zone` an IANA name ('' = unset).
ALTER TABLE `users` ADD `avatar` text;--> statement-breakpoint
ALTER TABLE `users` ADD `status` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `time_zone` text DEFAULT '' NOT NULL;
