import { describe, expect, it } from "vitest";
import { ValidationError } from "../src/domain/errors.js";
import {
  createApiKeySchema,
  emailSchema,
  idSchema,
  listSessionsSchema,
  listUsersSchema,
  parseInput,
  reasonSchema,
} from "../src/domain/inputs.js";

function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

describe("input schemas", () => {
  it("normalizes emails: trimmed, NFC, lower-case", () => {
    expect(emailSchema.parse("  Zoe\u0308@EXA\u0308MPLE.com ")).toBe("zo\u00eb@ex\u00e4mple.com");
    for (const bad of ["", "no-at", "a@", "@b", "a b@c", "a@b@c", `${"a".repeat(320)}@b`]) {
      expect(emailSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("normalizes email and user searches to NFC like stored emails", () => {
    const parsed = parseInput(listSessionsSchema, { filter: { email: " Zoe\u0308 " } });
    expect(parsed.filter.email).toBe("Zo\u00eb");
    expect(parseInput(listUsersSchema, { search: "e\u0301" }).search).toBe("\u00e9");
    expect(parseInput(listSessionsSchema, { filter: { email: "" } }).filter.email).toBeUndefined();
  });

  it("fills list defaults: limit 50, active, newest first", () => {
    expect(parseInput(listSessionsSchema, {})).toEqual({
      limit: 50,
      filter: { status: "active" },
      sort: { by: "createdAt", dir: "desc" },
    });
  });

  it("dedupes API key scopes", () => {
    expect(createApiKeySchema.parse({ name: "k", scopes: ["audit:read", "audit:read"] }).scopes).toEqual([
      "audit:read",
    ]);
  });
});

describe("parseInput", () => {
  it("names each offending field in the issues and the message", () => {
    const error = validationError(() => parseInput(listSessionsSchema, { limit: 201, sort: { by: "ip" } }));
    expect(error.issues.map((i) => i.path).sort()).toEqual(["limit", "sort.by"]);
    expect(error.message).toContain("limit must be at most 200");
  });

  it("names a bare argument by the path it is given", () => {
    const id = validationError(() => parseInput(idSchema, "", "userId"));
    expect(id.issues).toEqual([{ path: "userId", message: "is required" }]);
    expect(id.message).toBe("userId is required");
    const reason = validationError(() => parseInput(reasonSchema, "r".repeat(501), "reason"));
    expect(reason.message).toBe("reason must be at most 500 characters");
    // Without one, the message still reads on its own terms.
    expect(validationError(() => parseInput(idSchema, "")).message).toBe("is required");
  });
});
