import { TRPCClientError } from "@trpc/client";
import { LIMITS } from "@sessions/core/vocab";
import { describe, expect, it } from "vitest";
import { createInput, hasErrors, serverFieldErrors, updateInput, validateEndpointForm } from "./form";

function apiError(data: Record<string, unknown>) {
  return new TRPCClientError("refused", {
    result: { error: { code: -32600, message: "refused", data: { code: "BAD_REQUEST", ...data } } },
  });
}

const valid = {
  url: "https://hooks.example.com/sessions",
  description: "",
  events: ["session.ended" as const],
};

describe("validateEndpointForm", () => {
  it("accepts an absolute http(s) URL with at least one event", () => {
    expect(validateEndpointForm(valid)).toEqual({});
    // http is the API's to refuse (WEBHOOK_ALLOW_HTTP): the console does not second-guess it.
    expect(validateEndpointForm({ ...valid, url: " http://127.0.0.1:9000/h " })).toEqual({});
  });

  it("names each field's problem", () => {
    const errors = validateEndpointForm({
      url: " ",
      description: "x".repeat(LIMITS.webhookDescription + 1),
      events: [],
    });
    expect(errors.url).toMatch(/Enter the URL/);
    expect(errors.description).toBe(`At most ${LIMITS.webhookDescription} characters.`);
    expect(errors.events).toBe("Choose at least one event.");
    expect(hasErrors(errors)).toBe(true);
  });

  it("refuses what is not an absolute http(s) URL, and overlong URLs", () => {
    for (const url of ["hooks.example.com", "ftp://example.com/x", "https://"]) {
      expect(validateEndpointForm({ ...valid, url }).url).toMatch(/absolute URL/);
    }
    const long = `https://example.com/${"a".repeat(LIMITS.webhookUrl)}`;
    expect(validateEndpointForm({ ...valid, url: long }).url).toBe(
      `At most ${LIMITS.webhookUrl} characters.`,
    );
  });
});

describe("serverFieldErrors", () => {
  it("puts the service's and zod's issues on their fields, first one per field, as sentences", () => {
    const errors = serverFieldErrors(
      apiError({
        issues: [
          { path: "url", message: "must be https (http needs WEBHOOK_ALLOW_HTTP=true)" },
          { path: "url", message: "a second complaint" },
          { path: "events.0", message: "invalid option" },
        ],
      }),
    );
    expect(errors).toEqual({
      url: "Must be https (http needs WEBHOOK_ALLOW_HTTP=true)",
      events: "Invalid option",
    });
  });

  it("keeps an issue about no field of the form for the form's alert", () => {
    expect(serverFieldErrors(apiError({ issues: [{ path: "", message: "bad input" }] }))).toEqual({
      form: "Bad input",
    });
  });

  it("is null for refusals without issues and for anything not from the API", () => {
    expect(serverFieldErrors(apiError({ issues: null }))).toBeNull();
    expect(serverFieldErrors(apiError({ issues: [] }))).toBeNull();
    expect(serverFieldErrors(new Error("network"))).toBeNull();
  });
});

describe("createInput and updateInput", () => {
  it("trims, and sends no empty description", () => {
    expect(createInput({ ...valid, url: ` ${valid.url} `, description: "  " })).toEqual({
      url: valid.url,
      events: ["session.ended"],
      description: null,
    });
  });

  const before = { url: valid.url, description: "billing", events: ["session.ended" as const] };

  it("sends only what changed, so an unchanged URL asks for no password", () => {
    expect(
      updateInput(before, { url: valid.url, description: "billing", events: ["session.ended"] }),
    ).toBeNull();
    expect(
      updateInput(before, {
        url: ` ${valid.url}`,
        description: "",
        events: ["session.created", "session.ended"],
      }),
    ).toEqual({ description: null, events: ["session.created", "session.ended"] });
    expect(
      updateInput(before, { ...valid, url: "https://other.example.com/h", description: "billing" }),
    ).toEqual({
      url: "https://other.example.com/h",
    });
  });
});
