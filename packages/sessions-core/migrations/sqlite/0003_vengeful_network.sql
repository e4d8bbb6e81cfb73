CREATE TABLE `sign_in_attempts` (
	`email` text NOT NULL,
	`address` text NOT NULL,
	`attempts` integer NOT NULL,
	`window_start` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`email`, `address`)
);
--> statement-breakpoint
CREATE INDEX `sign_in_attempts_updated_at_idx` ON `sign_in_attempts` (`updated_at`);