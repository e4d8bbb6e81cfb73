ALTER TABLE `api_keys` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `parent_key_id` text;--> statement-breakpoint
CREATE INDEX `api_keys_parent_key_id_idx` ON `api_keys` (`parent_key_id`);