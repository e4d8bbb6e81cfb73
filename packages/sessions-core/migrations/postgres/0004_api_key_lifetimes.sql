ALTER TABLE "api_keys" ADD COLUMN "expires_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "parent_key_id" text;--> statement-breakpoint
CREATE INDEX "api_keys_parent_key_id_idx" ON "api_keys" USING btree ("parent_key_id");