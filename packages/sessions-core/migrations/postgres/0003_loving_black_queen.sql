CREATE TABLE "sign_in_attempts" (
	"email" text NOT NULL,
	"address" text NOT NULL,
	"attempts" integer NOT NULL,
	"window_start" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "sign_in_attempts_email_address_pk" PRIMARY KEY("email","address")
);
--> statement-breakpoint
CREATE INDEX "sign_in_attempts_updated_at_idx" ON "sign_in_attempts" USING btree ("updated_at");