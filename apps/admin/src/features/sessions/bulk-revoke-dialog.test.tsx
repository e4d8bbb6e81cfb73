import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { fakeSession, mockApi, type MockApi } from "@/test/trpc-mock";
import { renderWithApi } from "@/test/render";
import { BulkRevokeDialog } from "./revoke-dialogs";
import { parseSessionsSearch } from "./search";

let api: MockApi;

function revokeManyApi(matched: number) {
  return mockApi({
    "sessions.revokeMany": (input) => {
      const { dryRun } = input;
      const sample = Array.from({ length: Math.min(10, matched) }, (_, i) => fakeSession(i + 1));
      return { matched, revoked: dryRun ? 0 : matched, sample };
    },
  });
}

const search = parseSessionsSearch({ q: "example.com", browser: "Chrome", from: "2025-01-01" });

describe("BulkRevokeDialog", () => {
  it("shows the dry run's count, the filter and a sample before anything is revoked", async () => {
    api = revokeManyApi(42);
    renderWithApi(<BulkRevokeDialog search={search} open onOpenChange={() => {}} />, api);
    expect(await screen.findByText("42 matching")).toBeTruthy();
    expect(screen.getByText("Email contains “example.com”")).toBeTruthy();
    expect(screen.getByText("Browser is Chrome")).toBeTruthy();
    expect(screen.getAllByText(/user\d+@example\.com/)).toHaveLength(10);
    expect(screen.getByText("and 32 more")).toBeTruthy();
    const preview = api.calls.find((c) => c.path === "sessions.revokeMany");
    expect(preview?.input).toMatchObject({
      dryRun: true,
      filter: { email: "example.com", browser: "Chrome", status: "active" },
    });
    expect((preview?.input as { filter: { createdFrom: Date } }).filter.createdFrom).toBeInstanceOf(Date);
    expect(api.calls.filter((c) => c.path === "sessions.revokeMany")).toHaveLength(1);
  });

  it("revokes with a plain confirmation up to 100, sending the same filter and the reason", async () => {
    api = revokeManyApi(42);
    const onOpenChange = vi.fn();
    renderWithApi(<BulkRevokeDialog search={search} open onOpenChange={onOpenChange} />, api);
    const confirm = await screen.findByRole("button", { name: "Revoke 42 sessions" });
    await waitFor(() => expect(confirm).toHaveProperty("disabled", false));
    expect(screen.queryByLabelText(/to confirm/)).toBeNull();
    await userEvent.type(screen.getByLabelText(/Reason/), "credential stuffing");
    await userEvent.click(confirm);
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    const executed = api.calls.filter((c) => c.path === "sessions.revokeMany").at(-1);
    expect(executed?.input).toMatchObject({
      dryRun: false,
      reason: "credential stuffing",
      filter: { email: "example.com" },
    });
  });

  it("asks to type the count when more than 100 sessions match", async () => {
    api = revokeManyApi(1234);
    renderWithApi(<BulkRevokeDialog search={search} open onOpenChange={() => {}} />, api);
    const confirm = await screen.findByRole("button", { name: "Revoke 1,234 sessions" });
    const typed = screen.getByLabelText(/Type 1234 to confirm/);
    expect(confirm).toHaveProperty("disabled", true);
    await userEvent.type(typed, "123");
    expect(confirm).toHaveProperty("disabled", true);
    await userEvent.type(typed, "4");
    expect(confirm).toHaveProperty("disabled", false);
  });

  it("offers nothing to confirm when the filter matches no session", async () => {
    api = revokeManyApi(0);
    renderWithApi(<BulkRevokeDialog search={search} open onOpenChange={() => {}} />, api);
    expect(await screen.findByText(/No sessions match this filter/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Revoke sessions" })).toHaveProperty("disabled", true);
  });
});
