import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TICK_MS } from "@/lib/use-now";
import { Age, RelativeTime } from "./bits";

afterEach(() => vi.useRealTimers());

describe("relative times", () => {
  it("keep up with the clock without new data", async () => {
    vi.useFakeTimers({ now: new Date("2025-03-04T12:00:00Z") });
    const created = new Date("2025-03-04T11:58:50Z");
    render(
      <p>
        <RelativeTime date={new Date("2025-03-04T12:00:00Z")} /> · <Age since={created} />
      </p>,
    );
    expect(screen.getByText("just now")).toBeTruthy();
    expect(screen.getByText("1m")).toBeTruthy();
    expect(render(<Age since={new Date("2025-03-04T11:59:30Z")} />).getByText("<1m")).toBeTruthy();

    await act(async () => {
      await vi.advanceTimersByTimeAsync(2 * TICK_MS);
    });
    expect(screen.getByText("1 minute ago")).toBeTruthy();
    expect(screen.getByText("2m")).toBeTruthy();

    await act(async () => {
      await vi.advanceTimersByTimeAsync(60 * TICK_MS);
    });
    expect(screen.getByText("31 minutes ago")).toBeTruthy();
  });

  it("stop the shared timer when nothing shows one", () => {
    vi.useFakeTimers();
    const view = render(<RelativeTime date={new Date()} />);
    expect(vi.getTimerCount()).toBe(1);
    view.unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
