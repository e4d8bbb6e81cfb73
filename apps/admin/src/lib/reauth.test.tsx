import { useMutation } from "@tanstack/react-query";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { errorMessage } from "@/lib/errors";
import { useWithReauth } from "@/lib/reauth";
import { useTRPC } from "@/lib/trpc";
import { renderWithApi } from "@/test/render";
import { ApiError, mockApi, type MockApi } from "@/test/trpc-mock";

const NEEDS_REAUTH = () =>
  new ApiError("FORBIDDEN", "Creating an API key needs your password confirmed.", { reauthRequired: true });

const CREATED = {
  key: "sk_live_example",
  apiKey: {
    id: "k1",
    name: "billing",
    keyPreview: "sk_live_exa",
    scopes: ["sessions:read" as const],
    createdAt: new Date(),
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    createdBy: null,
    parentKeyId: null,
  },
};

/** keys.create as the keys page sends it, through the real hook: what the operator sees is the result. */
function CreateKey() {
  const trpc = useTRPC();
  const withReauth = useWithReauth();
  const create = useMutation(withReauth(trpc.keys.create.mutationOptions()));
  return (
    <div>
      <button onClick={() => create.mutate({ name: "billing", scopes: ["sessions:read"] })}>Create</button>
      {create.isSuccess && <p>created {create.data.apiKey.name}</p>}
      {create.isError && <p role="status">{errorMessage(create.error)}</p>}
    </div>
  );
}

/** keys.create refuses until auth.reauthenticate has accepted the password "right". */
function reauthApi(): MockApi & { confirmed: () => boolean } {
  let confirmed = false;
  const api = mockApi({
    "keys.create": () => {
      if (!confirmed) throw NEEDS_REAUTH();
      return CREATED;
    },
    "auth.reauthenticate": ({ password }) => {
      if (password !== "right") throw new ApiError("FORBIDDEN", "Wrong password.", { reauthRequired: true });
      confirmed = true;
      return { authenticatedAt: new Date() };
    },
  });
  return { ...api, confirmed: () => confirmed };
}

const calls = (api: MockApi, path: string) => api.calls.filter((c) => c.path === path);

describe("recent sign-in: the password prompt", () => {
  it("asks for the password when a change needs it, says so when it is wrong, then sends the same change again", async () => {
    const api = reauthApi();
    renderWithApi(<CreateKey />, api);
    await userEvent.click(screen.getByRole("button", { name: "Create" }));

    const dialog = await screen.findByTestId("reauth-dialog");
    expect(dialog.textContent).toContain("Nothing has been changed yet");
    await userEvent.type(screen.getByLabelText("Password"), "wrong");
    await userEvent.click(screen.getByRole("button", { name: "Confirm and continue" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Wrong password.");
    expect(calls(api, "keys.create")).toHaveLength(1);

    await userEvent.type(screen.getByLabelText("Password"), "right");
    await userEvent.click(screen.getByRole("button", { name: "Confirm and continue" }));
    expect(await screen.findByText("created billing")).toBeTruthy();
    await waitFor(() => expect(screen.queryByTestId("reauth-dialog")).toBeNull());
    // The retried call is the same change: same input, sent once more.
    const sent = calls(api, "keys.create");
    expect(sent).toHaveLength(2);
    expect(sent[1]?.input).toEqual(sent[0]?.input);
    expect(calls(api, "auth.reauthenticate").map((c) => c.input)).toEqual([
      { password: "wrong" },
      { password: "right" },
    ]);
  });

  it("dismissing the prompt changes nothing and says why", async () => {
    const api = reauthApi();
    renderWithApi(<CreateKey />, api);
    await userEvent.click(screen.getByRole("button", { name: "Create" }));
    await screen.findByTestId("reauth-dialog");
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect((await screen.findByRole("status")).textContent).toBe(
      "Not changed: confirm your password to do that.",
    );
    expect(calls(api, "keys.create")).toHaveLength(1);
    expect(calls(api, "auth.reauthenticate")).toHaveLength(0);
    expect(api.confirmed()).toBe(false);
  });

  it("shows the wait when sign-in attempts are limited, and other refusals as they come", async () => {
    const api = mockApi({
      "keys.create": () => {
        throw NEEDS_REAUTH();
      },
      "auth.reauthenticate": () => {
        throw new ApiError("TOO_MANY_REQUESTS", "Too many attempts.", { retryAfterSeconds: 42 });
      },
    });
    renderWithApi(<CreateKey />, api);
    await userEvent.click(screen.getByRole("button", { name: "Create" }));
    await userEvent.type(await screen.findByLabelText("Password"), "anything");
    await userEvent.click(screen.getByRole("button", { name: "Confirm and continue" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Too many attempts. Try again in 42 seconds.",
    );
  });

  it("never prompts for a refusal that a password cannot fix", async () => {
    const api = mockApi({
      "keys.create": () => {
        throw new ApiError("FORBIDDEN", "Viewers cannot create keys.");
      },
    });
    renderWithApi(<CreateKey />, api);
    await userEvent.click(screen.getByRole("button", { name: "Create" }));
    expect((await screen.findByRole("status")).textContent).toBe("You don't have permission to do that.");
    expect(screen.queryByTestId("reauth-dialog")).toBeNull();
  });
});
