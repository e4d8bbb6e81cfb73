import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError, fakeSession, mockApi, type MockApi } from "@/test/trpc-mock";
import { renderWithApi } from "@/test/render";
import { BulkRevokeDialog } from "./revoke-dialogs";
import { parseSessionsSearch } from "./search";

let api: MockApi;

const sampleOf = (matched: number) =>
  Array.from({ length: Math.min(10, matched) }, (_, i) => fakeSession(i + 1));

/** The API's dry run streaming at once (sample, done) and its revoke doing what it said. */
function revokeManyApi(matched: number) {
  return mockApi(
    {
      "sessions.revokeMany": (input) => ({
        matched,
        revoked: input.dryRun ? 0 : matched,
        sample: sampleOf(matched),
      }),
    },
    {
      "sessions.previewRevoke": async function* () {
        yield { type: "sample", sample: sampleOf(matched) };
        yield { type: "done", matched, revoked: 0, sample: sampleOf(matched) };
      },
    },
  );
}

/** A stream the test drives: each push is one event the API sends; end() finishes it. */
function drivenStream<T>() {
  const queued: (T | typeof END)[] = [];
  let wake: (() => void) | null = null;
  const END = Symbol("end");
  return {
    push(event: T | typeof END) {
      queued.push(event);
      wake?.();
    },
    end() {
      this.push(END);
    },
    async *events(): AsyncGenerator<T, void, unknown> {
      for (;;) {
        if (queued.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const next = queued.shift()!;
        if (next === END) return;
        yield next as T;
      }
    },
  };
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
    const preview = api.calls.find((c) => c.path === "sessions.previewRevoke");
    expect(preview?.input).toMatchObject({
      filter: { email: "example.com", browser: "Chrome", status: "active" },
    });
    expect((preview?.input as { filter: { createdFrom: Date } }).filter.createdFrom).toBeInstanceOf(Date);
    expect(api.calls.filter((c) => c.path === "sessions.previewRevoke")).toHaveLength(1);
    // Nothing is revoked by looking.
    expect(api.calls.filter((c) => c.path === "sessions.revokeMany")).toHaveLength(0);
  });

  it("shows the sample and the count's progress while it runs; confirming waits for the exact count", async () => {
    type Event =
      | { type: "sample"; sample: ReturnType<typeof sampleOf> }
      | { type: "progress"; matched: number; fraction: number; countedFrom: Date | null }
      | { type: "done"; matched: number; revoked: number; sample: ReturnType<typeof sampleOf> };
    const stream = drivenStream<Event>();
    api = mockApi({}, { "sessions.previewRevoke": () => stream.events() });
    renderWithApi(<BulkRevokeDialog search={search} open onOpenChange={() => {}} />, api);
    expect(await screen.findByText("Counting…")).toBeTruthy();
    stream.push({ type: "progress", matched: 0, fraction: 0, countedFrom: null });
    stream.push({ type: "sample", sample: sampleOf(10) });
    expect(await screen.findAllByText(/user\d+@example\.com/)).toHaveLength(10);
    stream.push({
      type: "progress",
      matched: 1500,
      fraction: 0.4,
      countedFrom: new Date("2025-01-01T10:00:00Z"),
    });
    expect(await screen.findByText("Counting… 1,500 so far")).toBeTruthy();
    const bar = screen.getByRole("progressbar", { name: "Exact count of matching sessions" });
    expect(bar.getAttribute("aria-valuenow")).toBe("40");
    expect(screen.getByText(/Checked sessions created since .* \(40%\)/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Revoke sessions" })).toHaveProperty("disabled", true);
    stream.push({ type: "done", matched: 4321, revoked: 0, sample: sampleOf(10) });
    expect(await screen.findByText("4,321 matching")).toBeTruthy();
    expect(screen.queryByRole("progressbar")).toBeNull();
    expect(screen.getByText("and 4,311 more")).toBeTruthy();
    expect(screen.getByLabelText(/Type 4321 to confirm/)).toBeTruthy();
  });

  it("stops the count when asked (closing its stream), and counts again from the start", async () => {
    type Event =
      | { type: "progress"; matched: number; fraction: number; countedFrom: Date | null }
      | { type: "done"; matched: number; revoked: number; sample: ReturnType<typeof sampleOf> };
    const streams = [drivenStream<Event>(), drivenStream<Event>()];
    let started = 0;
    api = mockApi({}, { "sessions.previewRevoke": () => streams[started++]!.events() });
    renderWithApi(<BulkRevokeDialog search={search} open onOpenChange={() => {}} />, api);
    streams[0]!.push({
      type: "progress",
      matched: 700,
      fraction: 0.25,
      countedFrom: new Date("2025-01-01T10:00:00Z"),
    });
    expect(await screen.findByText("Counting… 700 so far")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Stop counting" }));
    expect(await screen.findByText("Stopped at 700+")).toBeTruthy();
    expect(api.closed).toEqual(["sessions.previewRevoke"]);
    expect(screen.getByText(/The exact count is needed to confirm/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Revoke sessions" })).toHaveProperty("disabled", true);
    // A late event of the stopped stream changes nothing.
    streams[0]!.push({ type: "done", matched: 2800, revoked: 0, sample: [] });
    await userEvent.click(screen.getByRole("button", { name: "Count again" }));
    await waitFor(() => expect(api.calls.filter((c) => c.path === "sessions.previewRevoke")).toHaveLength(2));
    expect(await screen.findByText("Counting…")).toBeTruthy();
    streams[1]!.push({ type: "done", matched: 12, revoked: 0, sample: sampleOf(10) });
    expect(await screen.findByText("12 matching")).toBeTruthy();
  });

  it("says why a dry run failed and offers to try again", async () => {
    let attempts = 0;
    api = mockApi(
      {},
      {
        "sessions.previewRevoke": async function* () {
          attempts++;
          if (attempts === 1)
            throw new ApiError("SERVICE_UNAVAILABLE", "The database is unavailable; try again shortly.");
          yield { type: "done", matched: 3, revoked: 0, sample: sampleOf(3) };
        },
      },
    );
    renderWithApi(<BulkRevokeDialog search={search} open onOpenChange={() => {}} />, api);
    expect((await screen.findByRole("alert")).textContent).toMatch(/database is unavailable/);
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("3 matching")).toBeTruthy();
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
