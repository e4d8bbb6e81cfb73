// An internal service's view: sign a user in, check the token on later requests, sign them out.
//
//   SESSIONS_URL=http://localhost:3000 SESSIONS_API_KEY=sk_sess_… \
//     pnpm --filter @sessions/client exec tsx examples/issue-and-validate.ts someone@example.com
//
// The key needs the scopes users:read and sessions:issue (create one in the console under Keys).
import { createSessionsClient, errorCode } from "@sessions/client";

const url = process.env.SESSIONS_URL ?? "http://localhost:3000";
const apiKey = process.env.SESSIONS_API_KEY;
const email = process.argv[2];
if (!apiKey || !email) {
  console.error("usage: SESSIONS_API_KEY=sk_sess_… tsx examples/issue-and-validate.ts <email>");
  process.exit(1);
}

const sessions = createSessionsClient({ url, apiKey });

try {
  const { items } = await sessions.users.list.query({ search: email, limit: 1 });
  const user = items[0];
  if (!user) throw new Error(`no user with an email like ${email}`);

  // Login: the token goes into your own cookie; it is never shown again.
  const { token, session } = await sessions.sessions.create.mutate({
    userId: user.id,
    ip: "192.0.2.10",
    userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
  });
  console.log(`session ${session.id} (${session.tokenPreview}…) expires ${session.expiresAt.toISOString()}`);

  // Every request: is the token still good, and whose is it?
  const valid = await sessions.sessions.validate.mutate({ token });
  console.log(
    valid ? `valid for ${valid.user.email}, last seen ${valid.session.lastSeenAt.toISOString()}` : "invalid",
  );

  // Logout.
  console.log(await sessions.sessions.end.mutate({ token }));
} catch (error) {
  console.error(errorCode(error) ?? "ERROR", error instanceof Error ? error.message : error);
  process.exit(1);
}
