// API keys: how services authenticate. Separate from sessions because a key is not a user's login:
// it carries scopes, is made by an operator or another key, and verifyApiKey runs on every request a
// service makes, so like validateSession it adds nothing per call.
//
// A key made by a key never outgrows its parent: no scope the parent lacks, no life beyond the
// parent's, and revoking the parent revokes it (the store walks the generations in one change).
import { ForbiddenError } from "../domain/errors.js";
import { idSchema, createApiKeySchema, parseInput } from "../domain/inputs.js";
import { generateApiKey, hashToken, tokenPreview, API_KEY_PREFIX } from "../domain/tokens.js";
import type { ApiKey, CallContext, CreateApiKeyInput, CreatedApiKey, RevokeResult } from "../domain/types.js";
import type { ApiKeyRecord } from "../store/store.js";
import { actorLabel, actorOf, type ServiceContext } from "./context.js";

/** API key lastUsedAt is informational: write it at most once a minute per key. */
const API_KEY_TOUCH_MS = 60_000;

const DAY_MS = 86_400_000;

/** Revoked, or past its expiry: either way the key no longer authenticates. */
function isDead(r: Pick<ApiKeyRecord, "revokedAt" | "expiresAt">, at: Date): boolean {
  return r.revokedAt !== null || (r.expiresAt !== null && r.expiresAt.getTime() <= at.getTime());
}

/** A key as the service returns it: a preview of its hash, never the hash. */
function toApiKey(r: ApiKeyRecord): ApiKey {
  return {
    id: r.id,
    name: r.name,
    keyPreview: tokenPreview(r.keyHash),
    scopes: r.scopes,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
    expiresAt: r.expiresAt,
    parentKeyId: r.parentKeyId,
  };
}

export function apiKeys({
  store,
  random,
  now,
  newId,
  auditEvent,
  requireRecentSignIn,
  bestEffort,
}: ServiceContext) {
  return {
    async createApiKey(input: CreateApiKeyInput, ctx?: CallContext): Promise<CreatedApiKey> {
      const parsed = parseInput(createApiKeySchema, input);
      // A key is a long-lived credential: minting one from a console sign-in needs the password
      // checked recently, so an unattended console or a stolen cookie cannot mint a lasting one.
      requireRecentSignIn(ctx, "Creating an API key");
      const actor = actorOf(ctx);
      const at = now();
      let expiresAt = parsed.expiresInDays ? new Date(at.getTime() + parsed.expiresInDays * DAY_MS) : null;
      let parentKeyId: string | null = null;
      if (actor.type === "api_key") {
        const parent = await store.getApiKeyById(actor.id);
        if (!parent || isDead(parent, at))
          throw new ForbiddenError("The API key making this key is revoked or expired.");
        const missing = parsed.scopes.filter((s) => !parent.scopes.includes(s));
        if (missing.length > 0) {
          throw new ForbiddenError(`An API key cannot grant scopes it lacks: ${missing.join(", ")}.`);
        }
        if (parent.expiresAt !== null) {
          if (expiresAt !== null && expiresAt.getTime() > parent.expiresAt.getTime()) {
            throw new ForbiddenError(
              `An API key cannot make a key that outlives it: this key expires at ${parent.expiresAt.toISOString()}.`,
            );
          }
          expiresAt ??= parent.expiresAt;
        }
        parentKeyId = parent.id;
      }
      const key = generateApiKey(random);
      const record: ApiKeyRecord = {
        id: newId(),
        name: parsed.name,
        keyHash: hashToken(key),
        scopes: parsed.scopes,
        createdBy: actorLabel(actor),
        createdAt: at,
        lastUsedAt: null,
        revokedAt: null,
        expiresAt,
        parentKeyId,
      };
      const inserted = await store.insertApiKey(
        record,
        auditEvent(
          ctx,
          "api_key.created",
          { type: "api_key", id: record.id },
          { data: { name: record.name, scopes: record.scopes, expiresAt: expiresAt?.toISOString() ?? null } },
        ),
      );
      // The parent was revoked between the check above and the insert's transaction.
      if (!inserted.ok) throw new ForbiddenError("The API key making this key is revoked or expired.");
      return { key, apiKey: toApiKey(record) };
    },

    /** The key's record for a raw API key, or null when unknown, revoked or expired. */
    async verifyApiKey(key: string): Promise<ApiKey | null> {
      if (typeof key !== "string" || !key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
      const record = await store.findApiKeyByHash(hashToken(key));
      const at = now();
      if (!record || isDead(record, at)) return null;
      const staleBefore = new Date(at.getTime() - API_KEY_TOUCH_MS);
      // Best effort, as validateSession's touch: a key check keeps working when writes cannot.
      if (
        (!record.lastUsedAt || record.lastUsedAt.getTime() < staleBefore.getTime()) &&
        (await bestEffort("touchApiKey", () => store.touchApiKey(record.id, at, staleBefore)))
      ) {
        record.lastUsedAt = at;
      }
      return toApiKey(record);
    },

    async listApiKeys(): Promise<ApiKey[]> {
      return (await store.listApiKeys()).map(toApiKey);
    },

    async revokeApiKey(id: string, ctx?: CallContext): Promise<RevokeResult> {
      const keyId = parseInput(idSchema, id, "id");
      // The audit event's count is every key revoked: this one and the keys it made, transitively.
      const revoked = await store.revokeApiKey(
        keyId,
        now(),
        auditEvent(ctx, "api_key.revoked", { type: "api_key", id: keyId }),
      );
      return revoked > 0 ? { ok: true } : { ok: false, error: "not_found" };
    },
  };
}
