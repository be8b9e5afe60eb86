-- Notification settings (issue 15 item 4, docs/protocol.md "Notification settings"): one row
-- per (user, room or conversation) that differs from the defaults; "scope" is keyed like
-- read_markers: 'r:<roomId>' or 'u:<peerId>'. "level": 'all' | 'mentions' | 'nothing'.
CREATE TABLE "notification_settings" (
	"user_id" bigint NOT NULL REFERENCES "users"("id") ON DELETE cascade,
	"scope" text NOT NULL,
	"room_id" bigint REFERENCES "rooms"("id") ON DELETE cascade,
	"peer_id" bigint REFERENCES "users"("id") ON DELETE cascade,
	"level" text NOT NULL,
	"muted" integer DEFAULT 0 NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "notification_settings_pk" PRIMARY KEY("user_id","scope")
);
