// The endpoint form's rules: what the console checks before sending (the same limits as core), and
// where the API's own refusals go (its ValidationError issues carry the field as `path`, e.g. "url").
import { TRPCClientError } from "@trpc/client";
import { LIMITS } from "@sessions/core/vocab";
import type { EventType } from "./events";

export interface EndpointForm {
  url: string;
  description: string;
  events: EventType[];
}

export type FormField = keyof EndpointForm;
/** Messages per field, plus `form` for an issue that names no field this form has. */
export type FieldErrors = Partial<Record<FormField | "form", string>>;

const FIELDS: readonly FormField[] = ["url", "description", "events"];

/** "must be https" → "Must be https": the API's messages follow the field's name, here they stand alone. */
function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/**
 * The console's own checks. Only the shape: whether http is allowed and where the host points are
 * the API's to judge (WEBHOOK_ALLOW_HTTP, the SSRF guard), and its answer lands next to the field.
 */
export function validateEndpointForm(form: EndpointForm): FieldErrors {
  const errors: FieldErrors = {};
  const url = form.url.trim();
  if (!url) errors.url = "Enter the URL that should receive the events.";
  else if (url.length > LIMITS.webhookUrl) errors.url = `At most ${LIMITS.webhookUrl} characters.`;
  else if (!/^https?:\/\//i.test(url) || !URL.canParse(url))
    errors.url = "Enter an absolute URL, such as https://hooks.example.com/sessions.";
  if (form.description.trim().length > LIMITS.webhookDescription)
    errors.description = `At most ${LIMITS.webhookDescription} characters.`;
  if (form.events.length === 0) errors.events = "Choose at least one event.";
  return errors;
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.values(errors).some(Boolean);
}

function isFormField(path: string): path is FormField {
  return (FIELDS as readonly string[]).includes(path);
}

/**
 * The field-level issues of a BAD_REQUEST (data.issues: { path, message }[]), by field; null when
 * the error carries none (then it is a toast, not a field's message). `events.0` is the events field.
 */
export function serverFieldErrors(error: unknown): FieldErrors | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  if (!data || typeof data !== "object" || !("issues" in data) || !Array.isArray(data.issues)) return null;
  const errors: FieldErrors = {};
  for (const issue of data.issues as unknown[]) {
    if (!issue || typeof issue !== "object" || !("message" in issue) || typeof issue.message !== "string")
      continue;
    const path = "path" in issue && typeof issue.path === "string" ? issue.path.split(".")[0]! : "";
    const key = isFormField(path) ? path : "form";
    // The first issue of a field is the one to fix first; the rest would only crowd it.
    errors[key] ??= sentence(issue.message);
  }
  return hasErrors(errors) ? errors : null;
}

/** What the API gets from a create form: trimmed, no empty description. */
export function createInput(form: EndpointForm): {
  url: string;
  events: EventType[];
  description: string | null;
} {
  const description = form.description.trim();
  return { url: form.url.trim(), events: form.events, description: description || null };
}

/**
 * What an edit sends: only what changed, so an unchanged URL does not ask for the password (a new
 * URL needs a recent sign-in, like creating). null when nothing changed.
 */
export function updateInput(
  before: { url: string; description: string | null; events: readonly EventType[] },
  form: EndpointForm,
): { url?: string; events?: EventType[]; description?: string | null } | null {
  const url = form.url.trim();
  const description = form.description.trim() || null;
  const patch: { url?: string; events?: EventType[]; description?: string | null } = {};
  if (url !== before.url) patch.url = url;
  if (description !== before.description) patch.description = description;
  if (form.events.join(",") !== before.events.join(",")) patch.events = form.events;
  return Object.keys(patch).length > 0 ? patch : null;
}
