// The fields an endpoint is made of (URL, description, events), shared by the create and edit
// dialogs, each with its message beside it: the console's own checks and the API's refusals alike.
import { useId } from "react";
import { LIMITS } from "@sessions/core/vocab";
import { FormAlert } from "@/components/form-alert";
import { Checkbox } from "@/components/ui/checkbox";
import { Input, Label } from "@/components/ui/input";
import { EVENTS, toggleEvent } from "./events";
import type { EndpointForm, FieldErrors } from "./form";

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="text-xs text-destructive">
      {message}
    </p>
  );
}

export function EndpointFields({
  form,
  onChange,
  errors,
  autoFocus = false,
}: {
  form: EndpointForm;
  onChange: (form: EndpointForm) => void;
  errors: FieldErrors;
  autoFocus?: boolean;
}) {
  const urlId = useId();
  const descriptionId = useId();
  const eventsErrorId = useId();
  return (
    <>
      {errors.form && <FormAlert>{errors.form}</FormAlert>}
      <div className="space-y-2">
        <Label htmlFor={urlId}>Endpoint URL</Label>
        <Input
          id={urlId}
          type="url"
          inputMode="url"
          value={form.url}
          onChange={(e) => onChange({ ...form, url: e.target.value })}
          placeholder="https://hooks.example.com/sessions"
          maxLength={LIMITS.webhookUrl}
          autoFocus={autoFocus}
          spellCheck={false}
          autoComplete="off"
          className="font-mono text-[13px]"
          aria-invalid={errors.url ? true : undefined}
          aria-describedby={errors.url ? `${urlId}-error` : `${urlId}-hint`}
        />
        {errors.url ? (
          <FieldError id={`${urlId}-error`} message={errors.url} />
        ) : (
          <p id={`${urlId}-hint`} className="text-xs text-muted-foreground">
            Receives a signed POST for each event: an https URL on a public address.
          </p>
        )}
      </div>
      <div className="space-y-2">
        <Label htmlFor={descriptionId}>
          Description <span className="font-normal text-muted-foreground">(optional)</span>
        </Label>
        <Input
          id={descriptionId}
          value={form.description}
          onChange={(e) => onChange({ ...form, description: e.target.value })}
          placeholder="e.g. Billing: ends seats when sessions end"
          maxLength={LIMITS.webhookDescription}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={errors.description ? `${descriptionId}-error` : undefined}
        />
        <FieldError id={`${descriptionId}-error`} message={errors.description} />
      </div>
      <fieldset className="space-y-2" aria-describedby={errors.events ? eventsErrorId : undefined}>
        <legend className="mb-2 text-sm font-medium">Events</legend>
        <div className="divide-y rounded-lg border">
          {EVENTS.map((event) => {
            const id = `webhook-event-${event.value}`;
            return (
              <label
                key={event.value}
                htmlFor={id}
                className="flex cursor-pointer items-start gap-3 px-3 py-2.5 hover:bg-subtle"
              >
                <Checkbox
                  id={id}
                  checked={form.events.includes(event.value)}
                  onCheckedChange={(value) =>
                    onChange({ ...form, events: toggleEvent(form.events, event.value, value === true) })
                  }
                  className="mt-0.5"
                />
                <span className="min-w-0">
                  <span className="block font-mono text-[13px]">{event.value}</span>
                  <span className="block text-xs text-muted-foreground">{event.description}</span>
                </span>
              </label>
            );
          })}
        </div>
        <FieldError id={eventsErrorId} message={errors.events} />
      </fieldset>
    </>
  );
}
