// Changing an endpoint's URL, description or events (webhooks.update). Only what changed is sent:
// a new URL needs a recent sign-in (the same prompt as creating), the rest does not.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Loader2Icon } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { errorMessage } from "@/lib/errors";
import { useWithReauth } from "@/lib/reauth";
import { useTRPC } from "@/lib/trpc";
import { EndpointFields } from "./endpoint-fields";
import {
  hasErrors,
  serverFieldErrors,
  updateInput,
  validateEndpointForm,
  type EndpointForm,
  type FieldErrors,
} from "./form";
import type { WebhookEndpoint } from "./types";

function formOf(endpoint: WebhookEndpoint): EndpointForm {
  return { url: endpoint.url, description: endpoint.description ?? "", events: endpoint.events };
}

/** Mounted while open (the parent renders it for one endpoint), so each opening starts from the saved values. */
export function EditWebhookDialog({
  endpoint,
  onOpenChange,
}: {
  endpoint: WebhookEndpoint | null;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog open={endpoint !== null} onOpenChange={(open) => !open && onOpenChange(false)}>
      <DialogContent className="sm:max-w-[560px]" data-testid="edit-webhook-dialog">
        {endpoint && <EditForm key={endpoint.id} endpoint={endpoint} onDone={() => onOpenChange(false)} />}
      </DialogContent>
    </Dialog>
  );
}

function EditForm({ endpoint, onDone }: { endpoint: WebhookEndpoint; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const withReauth = useWithReauth();
  const [form, setForm] = useState<EndpointForm>(() => formOf(endpoint));
  const [errors, setErrors] = useState<FieldErrors>({});
  const update = useMutation(
    withReauth(
      trpc.webhooks.update.mutationOptions({
        onSuccess: async () => {
          await queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
          toast.success("Endpoint saved");
          onDone();
        },
        onError: (error) => {
          const fields = serverFieldErrors(error);
          if (fields) setErrors(fields);
          else toast.error(errorMessage(error, "Couldn't save the endpoint."));
        },
      }),
    ),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = validateEndpointForm(form);
    setErrors(found);
    if (hasErrors(found)) return;
    const patch = updateInput(endpoint, form);
    if (!patch) return onDone();
    update.mutate({ id: endpoint.id, ...patch });
  }

  return (
    <>
      <DialogHeader>
        <DialogTitle>Edit endpoint</DialogTitle>
        <DialogDescription>
          Changes apply to events from now on. A new URL asks for your password again, as adding one does.
        </DialogDescription>
      </DialogHeader>
      <form onSubmit={submit} className="space-y-5" noValidate>
        <EndpointFields
          form={form}
          onChange={(next) => {
            setForm(next);
            setErrors({});
          }}
          errors={errors}
        />
        <DialogFooter>
          <Button variant="outline" onClick={onDone} disabled={update.isPending}>
            Cancel
          </Button>
          <Button type="submit" disabled={update.isPending}>
            {update.isPending && <Loader2Icon className="animate-spin" aria-hidden="true" />} Save changes
          </Button>
        </DialogFooter>
      </form>
    </>
  );
}
