// Reading the audit log. Every other concern writes audit events (through the context's
// auditEvent, inside the store transaction of the change they record); this is the one reader.
import { decodeCursor, toPage } from "../domain/cursor.js";
import { listAuditSchema, parseInput } from "../domain/inputs.js";
import type { AuditEvent, ListAuditInput, Page } from "../domain/types.js";
import type { ServiceContext } from "./context.js";

/** Where an event sits in the log's (at, id) order; the next page's cursor starts after it. */
const auditPosition = (e: AuditEvent) => ({ value: e.at, id: e.id });

export function audit({ store }: ServiceContext) {
  return {
    async listAudit(input: ListAuditInput = {}): Promise<Page<AuditEvent>> {
      const { action, actor, target, limit, cursor } = parseInput(listAuditSchema, input);
      const after = decodeCursor("audit", cursor);
      const rows = await store.listAudit({ action, actor, target, after, limit: limit + 1 });
      return toPage(rows, limit, (r) => r, auditPosition, "audit");
    },
  };
}
