-- Profiles (issue 15 item 2, docs/protocol.md "Profiles (issue 15)"): "avatar" is the version
-- token of the account's avatar blob (avatar-<id>-<token> in the blob store; NULL: none, the
-- client draws an initial); "status" is a short text ('' = none); "time_zone" an IANA name ('' = unset).
ALTER TABLE "users" ADD COLUMN "avatar" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "status" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "time_zone" text DEFAULT '' NOT NULL;
