import { act, fireEvent, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mockApi, type MockApi } from "@/test/trpc-mock";
import { renderWithApi } from "@/test/render";
import { lastDays } from "@/lib/days";
import { FiltersBar } from "./filters-bar";
import { DEFAULT_SEARCH, parseSessionsSearch, serializeSessionsSearch, updateSessionsSearch } from "./search";

let api: MockApi | undefined;
afterEach(() => {
  vi.useRealTimers();
});

function statsApi() {
  return mockApi({
    "sessions.stats": () => ({
      totalActive: 10,
      uniqueUsers: 3,
      expiredSessions: 0,
      sessionsToday: 1,
      revokedToday: 0,
      byBrowser: [
        { name: "Chrome", count: 6 },
        { name: "Firefox", count: 4 },
      ],
      byOs: [{ name: "macOS", count: 10 }],
      createdPerDay: [],
      timezone: "UTC",
      generatedAt: new Date(),
    }),
  });
}

describe("FiltersBar", () => {
  it("offers the browsers and systems the stats count, and reports choices as URL changes", async () => {
    api = statsApi();
    const onChange = vi.fn();
    renderWithApi(<FiltersBar search={DEFAULT_SEARCH} onChange={onChange} />, api);
    await screen.findByRole("option", { name: "Firefox" });
    await userEvent.selectOptions(screen.getByLabelText("Browser"), "Firefox");
    expect(onChange).toHaveBeenLastCalledWith({ browser: "Firefox" });
    await userEvent.click(screen.getByRole("radio", { name: "Revoked" }));
    expect(onChange).toHaveBeenLastCalledWith({ status: "revoked" });
    // The created range: a preset applies both ends at once.
    await userEvent.click(screen.getByRole("button", { name: /^Created/ }));
    await userEvent.click(await screen.findByRole("button", { name: "Last 7 days" }));
    expect(onChange).toHaveBeenLastCalledWith(lastDays(7));
  });

  it("keeps a browser from a shared link selectable even when the stats don't list it", async () => {
    api = statsApi();
    renderWithApi(<FiltersBar search={parseSessionsSearch({ browser: "Lynx" })} onChange={() => {}} />, api);
    expect(await screen.findByRole("option", { name: "Lynx" })).toBeTruthy();
    expect(screen.getByLabelText<HTMLSelectElement>("Browser").value).toBe("Lynx");
  });

  it("applies the email search after a pause, not on every key", async () => {
    api = statsApi();
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const onChange = vi.fn();
    renderWithApi(<FiltersBar search={DEFAULT_SEARCH} onChange={onChange} />, api);
    const box = screen.getByLabelText("Search by email");
    fireEvent.change(box, { target: { value: "ann" } });
    expect(onChange).not.toHaveBeenCalledWith({ q: "ann" });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(350);
    });
    expect(onChange).toHaveBeenCalledWith({ q: "ann" });
  });

  it("clears every filter at once, back to the default URL", async () => {
    api = statsApi();
    const onChange = vi.fn();
    const filtered = parseSessionsSearch({ q: "ann", status: "all", os: "macOS", cursor: "c2" });
    renderWithApi(<FiltersBar search={filtered} onChange={onChange} />, api);
    await userEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    const patch = onChange.mock.lastCall?.[0] as Record<string, undefined>;
    expect(serializeSessionsSearch(updateSessionsSearch(filtered, patch))).toEqual({});
  });

  it("has no Clear button when nothing is filtered", () => {
    api = statsApi();
    renderWithApi(<FiltersBar search={DEFAULT_SEARCH} onChange={() => {}} />, api);
    expect(screen.queryByRole("button", { name: "Clear filters" })).toBeNull();
  });
});
