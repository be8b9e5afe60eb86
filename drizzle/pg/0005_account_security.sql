-- Account security (issue 15 item 3); see drizzle/0007_account_security.sql.
ALTER TABLE "sessions" ADD COLUMN "public_id" text;
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "user_agent" text DEFAULT '' NOT NULL;
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "address" text DEFAULT '' NOT NULL;
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "created_at" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "last_seen_at" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
UPDATE "sessions" SET "public_id" = md5(random()::text || "id"),
	"created_at" = extract(epoch from now())::bigint, "last_seen_at" = extract(epoch from now())::bigint;
--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_public_id" ON "sessions" ("public_id");
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "must_change_password" boolean DEFAULT false NOT NULL;
