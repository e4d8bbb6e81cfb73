import { describe, expect, it } from "vitest";
import { parseUsersSearch, USER_ORDERS } from "../users/search";
import { parseAuditSearch } from "./search";

describe("audit log URL state", () => {
  it("keeps calendar days, target and filters; drops what is no day and a backwards end", () => {
    expect(
      parseAuditSearch({ action: "session.revoked", target: " s-1 ", from: "2026-03-01", to: "2026-03-04" }),
    ).toEqual({ action: "session.revoked", target: "s-1", from: "2026-03-01", to: "2026-03-04" });
    expect(parseAuditSearch({ from: "2026-02-30", to: "yesterday" })).toEqual({});
    expect(parseAuditSearch({ from: "2026-03-05", to: "2026-03-04" })).toEqual({ from: "2026-03-05" });
  });
});

describe("users list URL state", () => {
  it("keeps a known role and order, newest first being the absent default", () => {
    expect(parseUsersSearch({ role: "viewer", sort: "email-desc", status: "disabled" })).toEqual({
      role: "viewer",
      sort: "email-desc",
      status: "disabled",
    });
    expect(parseUsersSearch({ role: "owner", sort: "newest" })).toEqual({});
    expect(parseUsersSearch({ sort: "toString" })).toEqual({});
    expect(USER_ORDERS.email).toMatchObject({ by: "email", dir: "asc" });
  });
});
