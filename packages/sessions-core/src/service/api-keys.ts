// API keys: how services authenticate. Separate from sessions because a key is not a user's login:
// it carries scopes, is made by an operator or another key, and verifyApiKey runs on every request a
// service makes, so like validateSession it adds nothing per call.
import { idSchema, createApiKeySchema, parseInput } from "../domain/inputs.js";
import { generateApiKey, hashToken, tokenPreview, API_KEY_PREFIX } from "../domain/tokens.js";
import type { ApiKey, CallContext, CreatedApiKey, RevokeResult } from "../domain/types.js";
import type { ApiKeyRecord } from "../store/store.js";
import { actorLabel, actorOf, type ServiceContext } from "./context.js";

/** API key lastUsedAt is informational: write it at most once a minute per key. */
const API_KEY_TOUCH_MS = 60_000;

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
  };
}

export function apiKeys({ store, random, now, newId, auditEvent }: ServiceContext) {
  return {
    async createApiKey(input: { name: string; scopes: string[] }, ctx?: CallContext): Promise<CreatedApiKey> {
      const parsed = parseInput(createApiKeySchema, input);
      const key = generateApiKey(random);
      const actor = actorOf(ctx);
      const record: ApiKeyRecord = {
        id: newId(),
        name: parsed.name,
        keyHash: hashToken(key),
        scopes: parsed.scopes,
        createdBy: actorLabel(actor),
        createdAt: now(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await store.insertApiKey(
        record,
        auditEvent(
          ctx,
          "api_key.created",
          { type: "api_key", id: record.id },
          { data: { name: record.name, scopes: record.scopes } },
        ),
      );
      return { key, apiKey: toApiKey(record) };
    },

    /** The key's record for a raw API key, or null when unknown or revoked. */
    async verifyApiKey(key: string): Promise<ApiKey | null> {
      if (typeof key !== "string" || !key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
      const record = await store.findApiKeyByHash(hashToken(key));
      if (!record || record.revokedAt) return null;
      const at = now();
      const staleBefore = new Date(at.getTime() - API_KEY_TOUCH_MS);
      if (!record.lastUsedAt || record.lastUsedAt.getTime() < staleBefore.getTime()) {
        await store.touchApiKey(record.id, at, staleBefore);
        record.lastUsedAt = at;
      }
      return toApiKey(record);
    },

    async listApiKeys(): Promise<ApiKey[]> {
      return (await store.listApiKeys()).map(toApiKey);
    },

    async revokeApiKey(id: string, ctx?: CallContext): Promise<RevokeResult> {
      const keyId = parseInput(idSchema, id, "id");
      const ok = await store.revokeApiKey(
        keyId,
        now(),
        auditEvent(ctx, "api_key.revoked", { type: "api_key", id: keyId }),
      );
      return ok ? { ok: true } : { ok: false, error: "not_found" };
    },
  };
}
