ALTER TABLE `sessions` ADD `auth_method` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `end_reason` text;--> statement-breakpoint
-- Sessions that ended before end reasons were kept: the reason from the free text their operation
-- wrote (logout, user disabled, password reset), else a revocation. One pass over the revoked rows
-- only (sessions_revoked_at_idx); they are pruned after SESSION_RETENTION, so their number is bounded.
UPDATE `sessions` SET `end_reason` = CASE `revoke_reason` WHEN 'logout' THEN 'logout' WHEN 'user disabled' THEN 'user_disabled' WHEN 'password reset' THEN 'password_reset' ELSE 'revoked' END WHERE `revoked_at` IS NOT NULL;--> statement-breakpoint
CREATE INDEX `sessions_end_reason_idx` ON `sessions` (`end_reason`,`created_at`,`id`) WHERE "sessions"."end_reason" is not null;