-- Substring search over users' names (the users list's search box matches email OR name): an FTS5
-- trigram index of (user id, name) beside 0001's of emails, kept in step with users by triggers, so
-- a search matching few users finds them in the indexes instead of reading every user. A table of
-- its own, not a column of 0001's: trigrams of names in the email index would lengthen the lists
-- every email search (the sessions list's email filter) reads.
CREATE VIRTUAL TABLE `users_name_search` USING fts5(user_id UNINDEXED, name, tokenize = 'trigram');
--> statement-breakpoint
CREATE TRIGGER `users_name_search_insert` AFTER INSERT ON `users` WHEN new.name IS NOT NULL BEGIN
  INSERT INTO `users_name_search` (user_id, name) VALUES (new.id, new.name);
END;
--> statement-breakpoint
CREATE TRIGGER `users_name_search_update` AFTER UPDATE OF `id`, `name` ON `users` BEGIN
  DELETE FROM `users_name_search` WHERE user_id = old.id;
  INSERT INTO `users_name_search` (user_id, name) SELECT new.id, new.name WHERE new.name IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `users_name_search_delete` AFTER DELETE ON `users` WHEN old.name IS NOT NULL BEGIN
  DELETE FROM `users_name_search` WHERE user_id = old.id;
END;
--> statement-breakpoint
INSERT INTO `users_name_search` (user_id, name) SELECT id, name FROM `users` WHERE name IS NOT NULL;
