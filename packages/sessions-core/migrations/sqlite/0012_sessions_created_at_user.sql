DROP INDEX `sessions_created_at_idx`;--> statement-breakpoint
CREATE INDEX `sessions_created_at_idx` ON `sessions` (`created_at`,`id`,`user_id`);