import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it } from "vitest";
import { renderWithApi } from "@/test/render";
import { ApiError, mockApi, type ApiOutput } from "@/test/trpc-mock";
import { CreateWebhookDialog } from "./create-webhook-dialog";

type Created = ApiOutput<"webhooks.create">;

function created(url: string): Created {
  const at = new Date();
  return {
    endpoint: {
      id: "0b9f3a52-5a4e-4a55-9d0f-6f1b1f1e2a01",
      url,
      description: null,
      events: ["session.ended"],
      enabled: true,
      status: "active",
      disabledReason: null,
      failingSince: null,
      createdBy: "admin@acme.test",
      createdAt: at,
      updatedAt: at,
    },
    secret: "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==",
  };
}

// Radix's checkbox measures itself; jsdom has no ResizeObserver, and nothing here needs a size.
beforeAll(() => {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
});

describe("CreateWebhookDialog", () => {
  it("checks the form before sending anything", async () => {
    const api = mockApi({});
    renderWithApi(<CreateWebhookDialog open onOpenChange={() => {}} />, api);
    await userEvent.click(screen.getByRole("checkbox", { name: /session\.ended/ }));
    await userEvent.click(screen.getByRole("button", { name: "Add endpoint" }));
    expect(screen.getByText("Enter the URL that should receive the events.")).toBeTruthy();
    expect(screen.getByText("Choose at least one event.")).toBeTruthy();
    expect(screen.getByLabelText("Endpoint URL").getAttribute("aria-invalid")).toBe("true");
    expect(api.calls).toHaveLength(0);
  });

  it("shows the API's refusal of the URL next to the URL field", async () => {
    const api = mockApi({
      "webhooks.create": () => {
        throw new ApiError("BAD_REQUEST", "url must be https", {
          issues: [{ path: "url", message: "must be https (http needs WEBHOOK_ALLOW_HTTP=true)" }],
        });
      },
    });
    renderWithApi(<CreateWebhookDialog open onOpenChange={() => {}} />, api);
    await userEvent.type(screen.getByLabelText("Endpoint URL"), "http://hooks.example.com/h");
    await userEvent.click(screen.getByRole("button", { name: "Add endpoint" }));
    const message = await screen.findByText("Must be https (http needs WEBHOOK_ALLOW_HTTP=true)");
    expect(screen.getByLabelText("Endpoint URL").getAttribute("aria-describedby")).toBe(message.id);
    // Editing the URL clears the message: it described the old value.
    await userEvent.type(screen.getByLabelText("Endpoint URL"), "x");
    expect(screen.queryByText("Must be https (http needs WEBHOOK_ALLOW_HTTP=true)")).toBeNull();
  });

  it("sends the chosen events in core's order and shows the secret once, with a copy button", async () => {
    const api = mockApi({
      "webhooks.create": (input) => created(input.url),
      "webhooks.list": () => ({ items: [], nextCursor: null }),
    });
    renderWithApi(<CreateWebhookDialog open onOpenChange={() => {}} />, api);
    await userEvent.type(screen.getByLabelText("Endpoint URL"), " https://hooks.example.com/h ");
    await userEvent.type(screen.getByLabelText(/Description/), "billing");
    await userEvent.click(screen.getByRole("checkbox", { name: /user\.disabled/ }));
    await userEvent.click(screen.getByRole("checkbox", { name: /session\.created/ }));
    await userEvent.click(screen.getByRole("button", { name: "Add endpoint" }));
    const dialog = await screen.findByTestId("create-webhook-dialog");
    await within(dialog).findByText("Copy the signing secret");
    expect(within(dialog).getByTestId("new-webhook-secret").textContent).toMatch(/^whsec_/);
    expect(within(dialog).getByRole("button", { name: "Copy secret" })).toBeTruthy();
    expect(within(dialog).getByText(/will not be shown again/)).toBeTruthy();
    await waitFor(() =>
      expect(api.calls.find((c) => c.path === "webhooks.create")?.input).toEqual({
        url: "https://hooks.example.com/h",
        description: "billing",
        events: ["session.created", "session.ended", "user.disabled"],
      }),
    );
  });
});
