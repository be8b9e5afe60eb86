-- The rooms every community starts with; `general` is the default room everyone is in.
INSERT INTO `rooms` (`name`, `topic`) VALUES ('general', 'Anything goes') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO `rooms` (`name`, `topic`) VALUES ('random', 'Off-topic and fun') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO `rooms` (`name`, `topic`) VALUES ('gaming', 'Games and gaming nights') ON CONFLICT DO NOTHING;
