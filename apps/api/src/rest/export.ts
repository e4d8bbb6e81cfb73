// GET /api/v1/sessions/export and /api/v1/audit/export: every row a filter matches, as CSV or JSON
// lines, streamed as the keyset walk reads it (one page of 200 in memory at a time, each page its
// own short query, the socket's backpressure respected), so a million sessions leave in constant
// memory without holding the database or the event loop. The filter is the list's, as the same flat
// query parameters; the first page is read before any byte is sent, so a bad filter or a database
// fault is still a proper JSON error. Each export is an audit event with its filter and row count.
import type { IncomingMessage, ServerResponse } from "node:http";
import { SessionsError, type AuditEvent, type CallContext, type SessionInfo } from "@sessions/core";
import { getTRPCErrorFromUnknown, TRPCError } from "@trpc/server";
import { z } from "zod";
import { AUDIT_COLUMNS, exportLines, SESSION_COLUMNS, type Columns, type ExportFormat } from "../export.js";
import type { Context } from "../trpc/context.js";
import { callContextOf, refusalOf, type Access } from "../trpc/procedures.js";
import { domainTrpcError } from "../trpc/errors.js";
import { sendRestError } from "./errors.js";
import { COMPILED_ROUTES, queryInput, REST_BASE, type CompiledRoute, type QueryParam } from "./handler.js";

/** Rows per page of the walk: the lists' largest page. */
export const EXPORT_PAGE = 200;

type Page<T> = { items: T[]; nextCursor: string | null };

interface ExportKind<T> {
  what: "sessions" | "audit";
  path: string;
  access: Access;
  columns: Columns<T>;
  /** The list route whose query parameters (less limit and cursor) are the export's filter. */
  list: CompiledRoute;
  extra: QueryParam[];
  /** One page of rows for the parsed filter. */
  page(
    ctx: Context,
    call: CallContext,
    input: Record<string, unknown>,
    cursor: string | null,
  ): Promise<Page<T>>;
  /** False for the first row past the end of the range (audit: older than since). */
  within?: (input: Record<string, unknown>, row: T) => boolean;
}

const listRoute = (operationId: string): CompiledRoute => {
  const route = COMPILED_ROUTES.find((c) => c.route.operationId === operationId);
  if (!route) throw new Error(`no list route ${operationId}`);
  return route;
};

const filterOnly = (route: CompiledRoute): CompiledRoute => ({
  ...route,
  query: route.query.filter((p) => p.name !== "limit" && p.name !== "cursor"),
});

const sinceSchema = z.coerce.date();

const SESSIONS: ExportKind<SessionInfo> = {
  what: "sessions",
  path: `${REST_BASE}/sessions/export`,
  access: { role: "viewer", scope: "sessions:read" },
  columns: SESSION_COLUMNS,
  list: filterOnly(listRoute("sessions.listActive")),
  extra: [],
  page: (ctx, call, input, cursor) =>
    ctx.service.listActiveSessions({ ...input, limit: EXPORT_PAGE, cursor }, call),
};

const AUDIT: ExportKind<AuditEvent> = {
  what: "audit",
  path: `${REST_BASE}/audit/export`,
  access: { role: "viewer", scope: "audit:read" },
  columns: AUDIT_COLUMNS,
  list: filterOnly(listRoute("audit.list")),
  extra: [
    {
      name: "since",
      path: ["since"],
      schema: { type: "string", format: "date-time", description: "Only events at or after this instant." },
      required: false,
    },
  ],
  page: (ctx, _call, { since: _since, ...input }, cursor) =>
    ctx.service.listAudit({ ...input, limit: EXPORT_PAGE, cursor }),
  // Newest first: the first event before `since` ends the walk.
  within: (input, row) => !(input.since instanceof Date) || row.at >= input.since,
};

export const EXPORTS = [SESSIONS, AUDIT] as const;

export function exportAt(pathname: string): (typeof EXPORTS)[number] | null {
  return EXPORTS.find((e) => e.path === pathname) ?? null;
}

const badRequest = (message: string, path?: string) =>
  new TRPCError({
    code: "BAD_REQUEST",
    message,
    cause: path ? Object.assign(new Error(message), { issues: [{ path, message }] }) : undefined,
  });

function parseFormat(raw: string | null): ExportFormat {
  if (raw === null || raw === "csv") return "csv";
  if (raw === "jsonl") return "jsonl";
  throw badRequest('format must be "csv" or "jsonl"', "format");
}

/** Waits until the socket takes more, or the client has gone (true). */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve(true);
    const done = (gone: boolean) => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(gone);
    };
    const onDrain = () => done(false);
    const onClose = () => done(true);
    res.on("drain", onDrain);
    res.on("close", onClose);
  });
}

export interface ExportHandlerOptions {
  createContext(opts: { req: IncomingMessage; res: ServerResponse }): Promise<Context>;
  onError(error: TRPCError, ctx: Context | undefined, operationId: string): void;
  now(): Date;
}

export function createExportHandler(options: ExportHandlerOptions) {
  return async function serveExport(
    req: IncomingMessage,
    res: ServerResponse,
    kind: (typeof EXPORTS)[number],
    search: string,
  ): Promise<void> {
    const operationId = `${kind.what}.export`;
    res.setHeader("Cache-Control", "no-store");
    if (req.method !== "GET") {
      res.setHeader("Allow", "GET");
      return sendRestError(
        res,
        new TRPCError({ code: "METHOD_NOT_SUPPORTED", message: `Use GET for ${kind.path}.` }),
        undefined,
        operationId,
      );
    }
    let ctx: Context | undefined;
    let call: CallContext | null = null;
    let rows = 0;
    let format: ExportFormat = "csv";
    let filter: Record<string, unknown> = {};
    let started = false;
    try {
      ctx = await options.createContext({ req, res });
      const refusal = refusalOf(ctx.caller, kind.access);
      if (refusal) throw refusal;
      if (ctx.caller.type === "anonymous") throw new TRPCError({ code: "UNAUTHORIZED" });
      call = callContextOf(ctx, ctx.caller);
      const params = new URLSearchParams(search);
      format = parseFormat(params.get("format"));
      params.delete("format");
      const route: CompiledRoute = { ...kind.list, query: [...kind.list.query, ...kind.extra] };
      const input = queryInput(route, params);
      filter = Object.fromEntries(params);
      if (input.since !== undefined) {
        const since = sinceSchema.safeParse(input.since);
        if (!since.success) throw badRequest("since must be a date-time (ISO-8601)", "since");
        input.since = since.data;
      }
      const lines = exportLines(format, kind.columns as Columns<unknown>);
      const caller = call;
      const readPage = (cursor: string | null) =>
        (
          kind.page as (
            c: Context,
            who: CallContext,
            i: Record<string, unknown>,
            cur: string | null,
          ) => Promise<Page<unknown>>
        )(ctx!, caller, input, cursor);
      const within = kind.within as ((i: Record<string, unknown>, row: unknown) => boolean) | undefined;

      // The first page before the headers: a bad filter is still a 400, a fault a 503.
      let page = await readPage(null);
      const stamp = options.now().toISOString().replace(/[:.]/g, "-");
      res.statusCode = 200;
      res.setHeader(
        "Content-Type",
        format === "csv" ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8",
      );
      res.setHeader("Content-Disposition", `attachment; filename="${kind.what}-${stamp}.${format}"`);
      started = true;
      let gone = false;
      const write = async (chunk: string) => {
        if (chunk && !res.write(chunk)) gone = await drained(res);
      };
      res.once("close", () => {
        if (!res.writableFinished) gone = true;
      });
      await write(lines.header());
      walk: for (;;) {
        let text = "";
        for (const row of page.items) {
          if (within && !within(input, row)) {
            await write(text);
            break walk;
          }
          text += lines.line(row);
          rows += 1;
        }
        await write(text);
        if (gone || !page.nextCursor) break;
        page = await readPage(page.nextCursor);
      }
      // Recorded before the last byte, so whoever has the whole file can find its audit event.
      await record(!gone);
      if (!gone) res.end();
    } catch (cause) {
      const error = cause instanceof SessionsError ? domainTrpcError(cause) : getTRPCErrorFromUnknown(cause);
      options.onError(error, ctx, operationId);
      if (!started) return sendRestError(res, error, ctx, operationId);
      // Mid-stream there is no status left to change: cut the response so the client sees a
      // failed download, never a short file that looks whole.
      res.destroy(error);
      await record(false).catch(() => {});
    }

    async function record(complete: boolean) {
      if (!ctx || !call) return;
      await ctx.service.recordExport({ what: kind.what, format, filter, rows, complete }, call);
    }
  };
}
