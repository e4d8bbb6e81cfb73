// The HTTP floor (issue 15): a bare node:http server doing what sessions.validate does at its
// least — the same request shape (POST /trpc/sessions.validate?batch=1, Bearer key, a superjson
// batch body with the token), the same data (the seeded SQLite file, read only), one prepared
// statement (the session by token hash joined with its user), the active check, and the answer in
// the shape the tRPC client reads (so both load methods drive it unchanged). No router, no
// middleware, no audit, no metrics, no lastSeenAt touch: what is left of the API's cost is the
// part of it any server answering over HTTP pays, and API ÷ floor throughput measured in the same
// interleaved rounds is what the product adds, whatever the shared machine is doing that minute.
//
// Started by http.ts as its own process (like the API): node --import tsx src/http-floor.ts, with
// FLOOR_DATABASE, FLOOR_API_KEY and PORT; prints "listening" once it is.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import Database from "better-sqlite3";
import superjson from "superjson";

const file = process.env.FLOOR_DATABASE;
const key = process.env.FLOOR_API_KEY;
const port = Number(process.env.PORT);
if (!file || !key || !Number.isInteger(port)) {
  throw new Error("http-floor needs FLOOR_DATABASE, FLOOR_API_KEY and PORT");
}

const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma("busy_timeout = 5000");
const byTokenHash = db.prepare<[string], Record<string, unknown>>(
  `select s.id, s.kind, s.user_id as userId, s.created_at as createdAt, s.expires_at as expiresAt,
     s.last_seen_at as lastSeenAt, s.ip, s.browser, s.os, s.device_type as deviceType,
     u.email, u.name, u.status, u.role
   from sessions s join users u on u.id = s.user_id
   where s.token_hash = ? and s.revoked_at is null`,
);
const expected = Buffer.from(`Bearer ${key}`);
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function answer(status: number, body: unknown, res: ServerResponse): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    if (req.method !== "POST" || !req.url?.startsWith("/trpc/sessions.validate")) {
      answer(404, [{ error: { json: { message: "not found" } } }], res);
      return;
    }
    const auth = Buffer.from(req.headers.authorization ?? "");
    if (auth.length !== expected.length || !timingSafeEqual(auth, expected)) {
      answer(401, [{ error: { json: { message: "unauthorized" } } }], res);
      return;
    }
    let token: unknown;
    try {
      const batch = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      token = superjson.deserialize<{ token?: unknown }>(batch["0"] as never).token;
    } catch {
      token = undefined;
    }
    if (typeof token !== "string") {
      answer(400, [{ error: { json: { message: "bad request" } } }], res);
      return;
    }
    const row = byTokenHash.get(sha256(token));
    const live = row !== undefined && (row.expiresAt as number) > Date.now() && row.status === "active";
    const session = live
      ? {
          ...row,
          createdAt: new Date(row.createdAt as number),
          expiresAt: new Date(row.expiresAt as number),
          lastSeenAt: new Date(row.lastSeenAt as number),
        }
      : null;
    answer(200, [{ result: { data: superjson.serialize(session ? { session } : null) } }], res);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => process.stdout.write("listening\n"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
