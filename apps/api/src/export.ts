// Exports of sessions and audit events as CSV or JSON lines, written row by row as the keyset walk
// reads them (constant memory, whatever the size), for the CLI and the REST export alike. CSV goes
// through csv-stringify; a cell a spreadsheet would run as a formula (one beginning with =, +, -, @,
// tab or carriage return) gets a leading apostrophe, as OWASP's CSV-injection advice says: these
// files are opened in Excel by people investigating an incident.
import { stringify } from "csv-stringify/sync";
import type { AuditEvent, SessionInfo } from "@sessions/core";

export type ExportFormat = "csv" | "jsonl";

const FORMULA_START = /^[=+\-@\t\r]/;

/** What a cell may hold: the exports' columns are text, numbers, dates, and JSON data (audit). */
export type CellValue = string | number | boolean | Date | Record<string, unknown> | null | undefined;

/** A cell safe to open in a spreadsheet: formulas are neutralised, dates are ISO-8601. */
export function csvCell(value: CellValue): string {
  if (value === null || value === undefined) return "";
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export interface Columns<T> {
  header: string[];
  row(item: T): CellValue[];
}

export const SESSION_COLUMNS: Columns<SessionInfo> = {
  header: [
    "id",
    "kind",
    "status",
    "user_id",
    "email",
    "created_at",
    "expires_at",
    "last_seen_at",
    "ip",
    "browser",
    "os",
    "device_type",
    "revoked_at",
    "revoked_by",
    "revoke_reason",
    "token_preview",
  ],
  row: (s) => [
    s.id,
    s.kind,
    s.status,
    s.user.id,
    s.user.email,
    s.createdAt,
    s.expiresAt,
    s.lastSeenAt,
    s.ip,
    s.browser,
    s.os,
    s.deviceType,
    s.revokedAt,
    s.revokedBy,
    s.revokeReason,
    s.tokenPreview,
  ],
};

export const AUDIT_COLUMNS: Columns<AuditEvent> = {
  header: [
    "id",
    "at",
    "action",
    "actor_type",
    "actor",
    "actor_name",
    "target_type",
    "target",
    "target_name",
    "ip",
    "reason",
    "count",
    "data",
  ],
  row: (e) => [
    e.id,
    e.at,
    e.action,
    e.actorType,
    e.actor,
    e.actorName,
    e.targetType,
    e.target,
    e.targetName,
    e.ip,
    e.reason,
    e.count,
    e.data,
  ],
};

/** Turns items into text chunks of the chosen format: a header first (CSV), then one line each. */
export function exportLines<T>(format: ExportFormat, columns: Columns<T>) {
  return {
    header: () => (format === "csv" ? stringify([columns.header]) : ""),
    line(item: T): string {
      if (format === "jsonl") return `${JSON.stringify(item)}\n`;
      return stringify([columns.row(item).map(csvCell)]);
    },
  };
}

/** Every page of a keyset walk, one after another, until a page has no next cursor. */
export async function* walkPages<T>(
  page: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>,
): AsyncGenerator<T> {
  let cursor: string | null = null;
  do {
    const result = await page(cursor);
    yield* result.items;
    cursor = result.nextCursor;
  } while (cursor);
}
