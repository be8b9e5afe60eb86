-- Private rooms (issue 15): a private room is seen only by its members; "created_by" (already
-- there) may remove members and change its settings, as admins may.
ALTER TABLE "rooms" ADD COLUMN "private" integer DEFAULT 0 NOT NULL;
