-- Archived rooms (issue 15): an archived room is read-only and left out of the lists of rooms
-- to join; its members still read, search and find it (the web app's "Archived rooms").
ALTER TABLE "rooms" ADD COLUMN "archived" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- `@room` mentions pass by the members who silenced the room: their settings by room.
CREATE INDEX "notification_settings_scope" ON "notification_settings" ("scope");
