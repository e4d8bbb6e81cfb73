-- Substring search over users' emails AND names (the users list's search box), and over emails
-- (the sessions list's email filter): the FTS5 trigram index of 0001 gains the name column, so a
-- search that matches few users finds them in the index instead of reading every user.
DROP TRIGGER `users_email_search_insert`;
--> statement-breakpoint
DROP TRIGGER `users_email_search_update`;
--> statement-breakpoint
DROP TRIGGER `users_email_search_delete`;
--> statement-breakpoint
DROP TABLE `users_email_search`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `users_search` USING fts5(user_id UNINDEXED, email, name, tokenize = 'trigram');
--> statement-breakpoint
CREATE TRIGGER `users_search_insert` AFTER INSERT ON `users` BEGIN
  INSERT INTO `users_search` (user_id, email, name) VALUES (new.id, new.email, new.name);
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_update` AFTER UPDATE OF `id`, `email`, `name` ON `users` BEGIN
  DELETE FROM `users_search` WHERE user_id = old.id;
  INSERT INTO `users_search` (user_id, email, name) VALUES (new.id, new.email, new.name);
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_delete` AFTER DELETE ON `users` BEGIN
  DELETE FROM `users_search` WHERE user_id = old.id;
END;
--> statement-breakpoint
INSERT INTO `users_search` (user_id, email, name) SELECT id, email, name FROM `users`;
