-- The rooms every community starts with (drizzle/0001 on SQLite); `general` is the default
-- room everyone is in. And the one row of log_head: no seq handed out yet.
INSERT INTO "rooms" ("name", "topic") VALUES ('general', 'Anything goes') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "rooms" ("name", "topic") VALUES ('random', 'Off-topic and fun') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "rooms" ("name", "topic") VALUES ('gaming', 'Games and gaming nights') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "log_head" ("one", "seq") VALUES (1, 0) ON CONFLICT DO NOTHING;
