import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { MatchingCount } from "./matching-count";

describe("MatchingCount", () => {
  it("shows an exact count as it is", () => {
    render(<MatchingCount count={{ count: 1234, exact: true }} stale={false} />);
    const figure = screen.getByTestId("matching-count");
    expect(figure.textContent).toBe("1,234");
    expect(figure.getAttribute("title")).toBeNull();
  });

  it('shows a capped count as "10,000+" and says where the exact figure is', () => {
    render(<MatchingCount count={{ count: 10_000, exact: false }} stale={false} />);
    const figure = screen.getByTestId("matching-count");
    expect(figure.textContent).toBe("10,000+");
    expect(figure.getAttribute("title")).toMatch(/More than 10,000 match.*counts them exactly/);
  });
});
