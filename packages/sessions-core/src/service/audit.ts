// Reading the audit log. Every other concern writes audit events (through the context's
// auditEvent, inside the store transaction of the change they record); this is the one reader.
import { decodeCursor, toPage } from "../domain/cursor.js";
import { listAuditSchema, parseInput } from "../domain/inputs.js";
import type { AuditEvent, CallContext, ListAuditInput, Page } from "../domain/types.js";
import type { ServiceContext } from "./context.js";

/** An export of sessions or audit events as it is recorded: who, what filter, how many rows. */
export interface ExportRecord {
  what: "sessions" | "audit";
  format: "csv" | "jsonl";
  /** The filter as the caller gave it (plain JSON), so the log shows exactly what was taken out. */
  filter: Record<string, unknown>;
  rows: number;
  /** False when the export stopped early (the client went away, the database failed). */
  complete: boolean;
}

/** Where an event sits in the log's (at, id) order; the next page's cursor starts after it. */
const auditPosition = (e: AuditEvent) => ({ value: e.at, id: e.id });

export function audit({ store, auditEvent }: ServiceContext) {
  return {
    /**
     * Records an export (sessions.exported / audit.exported). Reading is no change, but data leaving
     * the system is what an investigation asks about first: who took which rows out, and when.
     */
    async recordExport(record: ExportRecord, ctx?: CallContext): Promise<void> {
      await store.insertAuditEvent(
        auditEvent(ctx, record.what === "sessions" ? "sessions.exported" : "audit.exported", null, {
          count: record.rows,
          data: { format: record.format, filter: record.filter, complete: record.complete },
        }),
      );
    },

    async listAudit(input: ListAuditInput = {}): Promise<Page<AuditEvent>> {
      const { action, actor, target, from, to, limit, cursor } = parseInput(listAuditSchema, input);
      const after = decodeCursor("audit", cursor);
      const rows = await store.listAudit({ action, actor, target, from, to, after, limit: limit + 1 });
      return toPage(rows, limit, (r) => r, auditPosition, "audit");
    },
  };
}
