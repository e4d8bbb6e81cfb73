-- Substring search on emails, for the sessions list's email filter: a trigram GIN index answers
-- email LIKE '%…%' (3+ characters) without reading every user. pg_trgm ships with Postgres and is a
-- trusted extension: any role that may create objects in the database can enable it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "users_email_trgm_idx" ON "users" USING gin ("email" gin_trgm_ops);
