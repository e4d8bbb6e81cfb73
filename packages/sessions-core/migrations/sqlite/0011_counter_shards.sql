PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_session_live_counts` (
	`expires_day` integer NOT NULL,
	`browser` text NOT NULL,
	`os` text NOT NULL,
	`live_sessions` integer NOT NULL,
	`shard` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`expires_day`, `browser`, `os`, `shard`)
);
--> statement-breakpoint
INSERT INTO `__new_session_live_counts`("expires_day", "browser", "os", "live_sessions", "shard") SELECT "expires_day", "browser", "os", "live_sessions", 0 FROM `session_live_counts`;--> statement-breakpoint
DROP TABLE `session_live_counts`;--> statement-breakpoint
ALTER TABLE `__new_session_live_counts` RENAME TO `session_live_counts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE TABLE `__new_session_created_counts` (
	`created_slot` integer NOT NULL,
	`created_sessions` integer NOT NULL,
	`shard` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`created_slot`, `shard`)
);
--> statement-breakpoint
INSERT INTO `__new_session_created_counts`("created_slot", "created_sessions", "shard") SELECT "created_slot", "created_sessions", 0 FROM `session_created_counts`;--> statement-breakpoint
DROP TABLE `session_created_counts`;--> statement-breakpoint
ALTER TABLE `__new_session_created_counts` RENAME TO `session_created_counts`;