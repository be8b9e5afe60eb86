-- Full-text search (PROTOCOL.md §11) on PostgreSQL: every term is a case-insensitive
-- substring, so the index is pg_trgm's GIN over the lower-cased text of the messages that can
-- be found (text, not deleted). `lower(body) LIKE '%term%'` uses it for terms of 3 characters
-- or more; the planner rechecks every candidate, so matching is exact. pg_trgm is a trusted
-- extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS messages_body_trgm ON messages USING gin (lower(body) gin_trgm_ops)
	WHERE kind = 'text' AND deleted_at IS NULL;
