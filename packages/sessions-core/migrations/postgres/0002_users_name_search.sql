-- Substring search over users' names too (the users list's search box matches email OR name): a
-- trigram GIN index on lower(name), the expression the search compares, next to 0001's on email.
CREATE INDEX IF NOT EXISTS "users_name_trgm_idx" ON "users" USING gin (lower("name") gin_trgm_ops);
