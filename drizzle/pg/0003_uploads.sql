-- Files (PROTOCOL.md §12, issue 14): one row per upload. The bytes live in the blob store
-- (UPLOAD_DIR); "message_id" is set when the uploader posts it, and the row and its bytes go
-- with the message (deletion, retention). "id" is a random token, so a URL cannot be guessed,
-- but access is still checked on every request (files.ts).
CREATE TABLE "uploads" (
	"id" text PRIMARY KEY NOT NULL,
	"uploader_id" bigint NOT NULL,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"content_type" text NOT NULL,
	"width" bigint,
	"height" bigint,
	"has_thumb" integer DEFAULT 0 NOT NULL,
	"message_id" bigint,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "uploads_message" ON "uploads" ("message_id");
--> statement-breakpoint
CREATE INDEX "uploads_unattached" ON "uploads" ("created_at") WHERE "message_id" IS NULL;
