import { Switch } from "@/components/ui/switch";
import type { WebhookEndpoint } from "./types";
import { useSetEnabled } from "./use-webhook-actions";

/** Turns an endpoint on or off at once (no confirmation: either way is undone with one more click). */
/** Named by `label` (aria-label) or, given `id`, by a <label htmlFor> beside it. */
export function EnabledSwitch({
  endpoint,
  label,
  id,
}: {
  endpoint: WebhookEndpoint;
  label?: string;
  id?: string;
}) {
  const setEnabled = useSetEnabled();
  // Shows the requested state while the change is in flight, so the switch answers the click at once.
  const checked = setEnabled.isPending ? setEnabled.variables.enabled === true : endpoint.enabled;
  return (
    <Switch
      checked={checked}
      disabled={setEnabled.isPending}
      id={id}
      aria-label={label}
      onCheckedChange={(enabled) => setEnabled.mutate({ id: endpoint.id, enabled })}
    />
  );
}
