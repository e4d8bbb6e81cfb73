import { LIMITS } from "@sessions/core/vocab";
import { describe, expect, it } from "vitest";
import {
  clearFilters,
  DEFAULT_PAGE_SIZE,
  DEFAULT_SEARCH,
  describeFilter,
  hasActiveFilters,
  nextSort,
  PAGE_SIZES,
  parseSessionsSearch,
  serializeSessionsSearch,
  toListInput,
  toSessionFilter,
  updateSessionsSearch,
  sessionsExportUrl,
} from "./search";

describe("parseSessionsSearch", () => {
  it("gives the defaults for an empty URL", () => {
    expect(parseSessionsSearch({})).toEqual(DEFAULT_SEARCH);
    expect(DEFAULT_SEARCH).toEqual({ status: "active", sort: "createdAt", dir: "desc", size: 25 });
  });

  it("reads every field", () => {
    expect(
      parseSessionsSearch({
        q: " ann@example ",
        status: "revoked",
        browser: "Firefox",
        os: "Linux",
        ip: "10.0.0.1",
        from: "2025-01-02",
        to: "2025-01-31",
        sort: "lastSeenAt",
        dir: "asc",
        size: "50",
        cursor: "abc",
        session: "s1",
      }),
    ).toEqual({
      q: "ann@example",
      status: "revoked",
      browser: "Firefox",
      os: "Linux",
      ip: "10.0.0.1",
      from: "2025-01-02",
      to: "2025-01-31",
      sort: "lastSeenAt",
      dir: "asc",
      size: 50,
      cursor: "abc",
      session: "s1",
    });
  });

  it("falls back to defaults for values a person mistyped", () => {
    const parsed = parseSessionsSearch({
      status: "zombie",
      sort: "email",
      dir: "up",
      size: "7",
      from: "2025-02-30",
      to: "soon",
    });
    expect(parsed).toEqual(DEFAULT_SEARCH);
  });

  it("offers only page sizes the API accepts", () => {
    for (const size of [...PAGE_SIZES, DEFAULT_PAGE_SIZE]) {
      expect(size).toBeGreaterThanOrEqual(LIMITS.pageSize.min);
      expect(size).toBeLessThanOrEqual(LIMITS.pageSize.max);
    }
  });

  it("accepts numbers where the router parsed them", () => {
    expect(parseSessionsSearch({ size: 100 }).size).toBe(100);
  });

  it("drops blank text filters", () => {
    expect(parseSessionsSearch({ q: "   ", browser: "" })).toEqual(DEFAULT_SEARCH);
  });

  it("puts a reversed date range the right way round", () => {
    const parsed = parseSessionsSearch({ from: "2025-03-10", to: "2025-03-01" });
    expect([parsed.from, parsed.to]).toEqual(["2025-03-01", "2025-03-10"]);
  });
});

describe("serializeSessionsSearch", () => {
  it("keeps the URL clean: defaults are left out", () => {
    expect(serializeSessionsSearch(DEFAULT_SEARCH)).toEqual({});
  });

  it("round-trips through the URL", () => {
    const view = parseSessionsSearch({
      q: "bob",
      status: "all",
      sort: "expiresAt",
      dir: "asc",
      size: "10",
      from: "2025-05-01",
    });
    const params = new URLSearchParams(serializeSessionsSearch(view));
    expect(params.toString()).toBe("q=bob&status=all&from=2025-05-01&sort=expiresAt&dir=asc&size=10");
    expect(parseSessionsSearch(Object.fromEntries(params))).toEqual(view);
  });
});

describe("updateSessionsSearch", () => {
  const onPage3 = parseSessionsSearch({ q: "ann", cursor: "c3" });

  it("starts again at page one when the filter changes", () => {
    expect(updateSessionsSearch(onPage3, { browser: "Chrome" })).toEqual({
      ...DEFAULT_SEARCH,
      q: "ann",
      browser: "Chrome",
    });
  });

  it("starts again at page one when the sort or page size changes", () => {
    expect(updateSessionsSearch(onPage3, { sort: "lastSeenAt" }).cursor).toBeUndefined();
    expect(updateSessionsSearch(onPage3, { size: "50" }).cursor).toBeUndefined();
  });

  it("keeps the page when a session is opened in the drawer", () => {
    expect(updateSessionsSearch(onPage3, { session: "s9" })).toMatchObject({ cursor: "c3", session: "s9" });
  });

  it("keeps the page when a filter is set to the value it already has", () => {
    expect(updateSessionsSearch(onPage3, { q: "ann" }).cursor).toBe("c3");
  });

  it("removes a filter set to undefined or empty", () => {
    expect(updateSessionsSearch(onPage3, { q: undefined })).toEqual(DEFAULT_SEARCH);
    expect(updateSessionsSearch(onPage3, { q: "" })).toEqual(DEFAULT_SEARCH);
  });

  it("moves to a given cursor", () => {
    expect(updateSessionsSearch(onPage3, { cursor: "c4" }).cursor).toBe("c4");
  });
});

describe("nextSort", () => {
  it("sorts a new column newest first, and flips the current one", () => {
    expect(nextSort(DEFAULT_SEARCH, "lastSeenAt")).toEqual({ sort: "lastSeenAt", dir: "desc" });
    expect(nextSort(DEFAULT_SEARCH, "createdAt")).toEqual({ sort: "createdAt", dir: "asc" });
    expect(nextSort({ ...DEFAULT_SEARCH, dir: "asc" }, "createdAt")).toEqual({
      sort: "createdAt",
      dir: "desc",
    });
  });
});

describe("toListInput / toSessionFilter", () => {
  it("maps the default view to the API's default list", () => {
    expect(toListInput(DEFAULT_SEARCH)).toEqual({
      limit: 25,
      cursor: null,
      filter: { status: "active" },
      sort: { by: "createdAt", dir: "desc" },
    });
  });

  it("maps text filters and the page", () => {
    const input = toListInput(
      parseSessionsSearch({
        q: "ann",
        browser: "Safari",
        os: "iOS",
        ip: "1.2.3.4",
        cursor: "c",
        size: "100",
      }),
    );
    expect(input).toMatchObject({
      limit: 100,
      cursor: "c",
      filter: { email: "ann", browser: "Safari", os: "iOS", ip: "1.2.3.4", status: "active" },
    });
  });

  it("makes the 'to' day inclusive: createdTo is the next local midnight (the API's bound is exclusive)", () => {
    const filter = toSessionFilter(parseSessionsSearch({ from: "2025-03-01", to: "2025-03-31" }));
    expect(filter.createdFrom).toEqual(new Date(2025, 2, 1));
    expect(filter.createdTo).toEqual(new Date(2025, 3, 1));
  });

  it("narrows ended sessions to how they ended, and ignores a cause the API does not know", () => {
    const view = parseSessionsSearch({ status: "revoked", ended: "limit" });
    expect(view.ended).toBe("limit");
    expect(toSessionFilter(view)).toEqual({ status: "revoked", endReason: "limit" });
    expect(serializeSessionsSearch(view)).toEqual({ status: "revoked", ended: "limit" });
    expect(describeFilter(view)).toEqual(["Status is revoked", "Ended: Ended by the per-user session limit"]);
    expect(parseSessionsSearch({ ended: "meteor" }).ended).toBeUndefined();
    expect(hasActiveFilters(parseSessionsSearch({ ended: "logout" }))).toBe(true);
    expect(clearFilters(view)).toEqual({ status: undefined, ended: undefined });
  });

  it("leaves out the cursor and the open session when used as a bulk-revoke filter", () => {
    const filter = toSessionFilter(parseSessionsSearch({ q: "ann", cursor: "c", session: "s" }));
    expect(filter).toEqual({ status: "active", email: "ann" });
  });
});

describe("describing a view", () => {
  it("says in words what a bulk revoke will match", () => {
    const view = parseSessionsSearch({
      q: "ann",
      status: "all",
      browser: "Chrome",
      from: "2025-01-01",
      to: "2025-01-31",
    });
    expect(describeFilter(view)).toEqual([
      "Any status",
      "Email contains “ann”",
      "Browser is Chrome",
      "Created 2025-01-01 – 2025-01-31",
    ]);
    expect(describeFilter(DEFAULT_SEARCH)).toEqual(["Status is active"]);
  });

  it("knows whether anything narrows the default list", () => {
    expect(hasActiveFilters(DEFAULT_SEARCH)).toBe(false);
    expect(hasActiveFilters({ ...DEFAULT_SEARCH, sort: "expiresAt", size: 100, cursor: "x" })).toBe(false);
    expect(hasActiveFilters({ ...DEFAULT_SEARCH, status: "all" })).toBe(true);
    expect(hasActiveFilters({ ...DEFAULT_SEARCH, to: "2025-01-01" })).toBe(true);
  });

  it("clears every filter, and only the filters: sort and page size stay, the cursor goes", () => {
    const view = parseSessionsSearch({
      q: "ann",
      status: "revoked",
      browser: "Chrome",
      os: "macOS",
      ip: "10.0.0.1",
      from: "2025-01-01",
      to: "2025-01-31",
      sort: "expiresAt",
      size: "100",
      cursor: "c2",
    });
    const cleared = updateSessionsSearch(view, clearFilters(view));
    expect(serializeSessionsSearch(cleared)).toEqual({ sort: "expiresAt", size: "100" });
    expect(hasActiveFilters(cleared)).toBe(false);
    expect(clearFilters(DEFAULT_SEARCH)).toEqual({});
  });
});

describe("the kind filter", () => {
  it("reads console or app from the URL and drops anything else", () => {
    expect(parseSessionsSearch({ kind: "console" }).kind).toBe("console");
    expect(parseSessionsSearch({ kind: "app" }).kind).toBe("app");
    expect(parseSessionsSearch({ kind: "admin" })).toEqual(DEFAULT_SEARCH);
    expect(serializeSessionsSearch(parseSessionsSearch({ kind: "console" }))).toEqual({ kind: "console" });
  });

  it("is a filter: sent to the API, cleared with the others, and a change starts at page one", () => {
    const view = parseSessionsSearch({ kind: "console", cursor: "abc" });
    expect(toSessionFilter(view)).toEqual({ status: "active", kind: "console" });
    expect(hasActiveFilters(view)).toBe(true);
    expect(clearFilters(view)).toEqual({ kind: undefined });
    const next = updateSessionsSearch(view, { kind: "app" });
    expect(next.kind).toBe("app");
    expect(next.cursor).toBeUndefined();
    expect(describeFilter(view)).toEqual(["Status is active", "Console sign-ins only"]);
  });
});

describe("the export link", () => {
  it("carries exactly the view's filter and order as flat query parameters", () => {
    const view = parseSessionsSearch({
      q: "ann",
      status: "all",
      os: "macOS",
      sort: "lastSeenAt",
      dir: "asc",
      cursor: "c2",
    });
    const url = new URL(sessionsExportUrl(view, "csv"), "http://x");
    expect(url.pathname).toBe("/api/v1/sessions/export");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      format: "csv",
      email: "ann",
      status: "all",
      os: "macOS",
      sortBy: "lastSeenAt",
      sortDir: "asc",
    });
    const dated = new URL(
      sessionsExportUrl(parseSessionsSearch({ from: "2026-03-01", to: "2026-03-02" }), "jsonl"),
      "http://x",
    );
    expect(dated.searchParams.get("createdFrom")).toBe(
      toSessionFilter(parseSessionsSearch({ from: "2026-03-01" })).createdFrom?.toISOString(),
    );
    expect(dated.searchParams.has("cursor")).toBe(false);
  });
});
