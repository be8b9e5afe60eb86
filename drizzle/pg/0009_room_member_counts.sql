-- Each room's member count, kept by triggers in the same transaction as the membership row
-- (see the SQLite migration 0011 for why).
ALTER TABLE "rooms" ADD COLUMN "member_count" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
UPDATE "rooms" SET "member_count" = (SELECT COUNT(*) FROM "room_members" rm WHERE rm."room_id" = "rooms"."id");
--> statement-breakpoint
CREATE FUNCTION room_members_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE "rooms" SET "member_count" = "member_count" + 1 WHERE "id" = NEW."room_id";
	ELSE
		UPDATE "rooms" SET "member_count" = "member_count" - 1 WHERE "id" = OLD."room_id";
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER room_members_count AFTER INSERT OR DELETE ON "room_members"
	FOR EACH ROW EXECUTE FUNCTION room_members_count();
