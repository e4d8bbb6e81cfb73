-- Substring search on emails, for the sessions list's email filter: an FTS5 trigram index of
-- (user id, email), kept in step with users by triggers. The store asks it which users a search
-- matches; LIKE patterns of 3+ characters are answered from the trigrams, not by reading every user.
-- It keeps its own copy of the email: an external-content index would hang on users' implicit
-- rowids, which VACUUM may renumber.
CREATE VIRTUAL TABLE `users_email_search` USING fts5(user_id UNINDEXED, email, tokenize = 'trigram');
--> statement-breakpoint
CREATE TRIGGER `users_email_search_insert` AFTER INSERT ON `users` BEGIN
  INSERT INTO `users_email_search` (user_id, email) VALUES (new.id, new.email);
END;
--> statement-breakpoint
CREATE TRIGGER `users_email_search_update` AFTER UPDATE OF `id`, `email` ON `users` BEGIN
  DELETE FROM `users_email_search` WHERE user_id = old.id;
  INSERT INTO `users_email_search` (user_id, email) VALUES (new.id, new.email);
END;
--> statement-breakpoint
CREATE TRIGGER `users_email_search_delete` AFTER DELETE ON `users` BEGIN
  DELETE FROM `users_email_search` WHERE user_id = old.id;
END;
--> statement-breakpoint
INSERT INTO `users_email_search` (user_id, email) SELECT id, email FROM `users`;
