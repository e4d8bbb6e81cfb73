-- The maintained figures' counters gain a shard (issue 15): concurrent writers on Postgres spread
-- over a few rows per key instead of queueing on one; reads sum the shards. Existing rows are shard 0.
ALTER TABLE "session_live_counts" ADD COLUMN "shard" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "session_created_counts" ADD COLUMN "shard" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "session_live_counts" DROP CONSTRAINT "session_live_counts_expires_day_browser_os_pk";--> statement-breakpoint
ALTER TABLE "session_created_counts" DROP CONSTRAINT "session_created_counts_pkey";--> statement-breakpoint
ALTER TABLE "session_live_counts" ADD CONSTRAINT "session_live_counts_expires_day_browser_os_shard_pk" PRIMARY KEY("expires_day","browser","os","shard");--> statement-breakpoint
ALTER TABLE "session_created_counts" ADD CONSTRAINT "session_created_counts_created_slot_shard_pk" PRIMARY KEY("created_slot","shard");
