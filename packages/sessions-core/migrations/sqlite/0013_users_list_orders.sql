CREATE INDEX `users_role_created_at_idx` ON `users` (`role`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_role_email_idx` ON `users` (`role`,`email`);--> statement-breakpoint
CREATE INDEX `users_status_created_at_idx` ON `users` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_status_email_idx` ON `users` (`status`,`email`);