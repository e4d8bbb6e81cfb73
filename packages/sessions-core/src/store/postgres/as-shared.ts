// The one place Postgres objects are seen through the shared (SQLite-typed) code's types; see
// ../shared/context.ts for why the shared operations are typed against one dialect.
//
// What makes it honest: the two schemas infer identical row types for every table (checked below,
// so a drift between them is a compile error), and the shared code uses only the builder surface
// both dialects have (select/insert/update/delete, where, returning, joins, groupBy, orderBy, limit,
// and awaiting the result). The Postgres runner only awaits builders; it never calls SQLite's
// all()/get()/run(), which Postgres builders do not have.
import type { InferInsertModel, InferSelectModel, Table } from "drizzle-orm";
import type { schema as sqliteSchema } from "../sqlite/schema.js";
import type { SharedDb, Tables } from "../shared/context.js";
import type { schema } from "./schema.js";
import type { PgDb } from "./store.js";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SqliteTables = typeof sqliteSchema;
type PgTables = typeof schema;
/** Insert rows as the shared code may write them. */
type Insert<T extends Table> = InferInsertModel<T>;
type Agreement = {
  [K in keyof SqliteTables]: K extends keyof PgTables
    ? [
        Same<InferSelectModel<SqliteTables[K]>, InferSelectModel<PgTables[K]>>,
        Same<Insert<SqliteTables[K]>, Insert<PgTables[K]>>,
      ]
    : [false, false];
};
// Fails to compile, naming the table, when a table or a column's JS type differs between
// ../sqlite/schema.ts and ./schema.ts.
const schemasAgree: Agreement = {
  users: [true, true],
  sessions: [true, true],
  auditEvents: [true, true],
  apiKeys: [true, true],
  sessionLiveCounts: [true, true],
  sessionCreatedCounts: [true, true],
  userLiveUntil: [true, true],
  signInAttempts: [true, true],
  webhookEndpoints: [true, true],
  webhookDeliveries: [true, true],
};
// And no Postgres table is missing from SQLite (the check above goes from SQLite's side).
const noExtraTables: Exclude<keyof PgTables, keyof SqliteTables> extends never ? true : false = true;
void schemasAgree;
void noExtraTables;

/** The Postgres tables as the shared operations type them. */
export function sharedTables(tables: typeof schema): Tables {
  return tables as unknown as Tables;
}

/** A Postgres db (or transaction) as the shared operations type it. */
export function sharedDb(db: PgDb): SharedDb {
  return db as unknown as SharedDb;
}

/** A shared lookup query (built by a Postgres db) prepared under a name, as Postgres builders are. */
export function prepareNamed<Row>(
  query: PromiseLike<Row[]>,
  name: string,
): { execute(values: Record<string, unknown>): Promise<Row[]> } {
  return (
    query as unknown as {
      prepare(name: string): { execute(values: Record<string, unknown>): Promise<Row[]> };
    }
  ).prepare(name);
}
