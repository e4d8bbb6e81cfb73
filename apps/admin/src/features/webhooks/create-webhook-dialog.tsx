// Adding an endpoint (webhooks.create, behind the recent-sign-in prompt as keys.create is), then its
// signing secret, shown this once.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { AlertTriangleIcon, Loader2Icon } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { CopyButton } from "@/components/bits";
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
  createInput,
  hasErrors,
  serverFieldErrors,
  validateEndpointForm,
  type EndpointForm,
  type FieldErrors,
} from "./form";

const EMPTY_FORM: EndpointForm = { url: "", description: "", events: ["session.ended"] };

export function CreateWebhookDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const withReauth = useWithReauth();
  const [form, setForm] = useState<EndpointForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(
    withReauth(
      trpc.webhooks.create.mutationOptions({
        onSuccess: async () => {
          await queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
        },
        onError: (error) => {
          // A refusal about a field (the URL's scheme, where it points) goes next to that field.
          const fields = serverFieldErrors(error);
          if (fields) setErrors(fields);
          else toast.error(errorMessage(error, "Couldn't add the endpoint."));
        },
      }),
    ),
  );

  function close(next: boolean) {
    if (create.isPending) return;
    onOpenChange(next);
    if (!next) {
      // Forget the secret as soon as the dialog closes: it is shown exactly once.
      create.reset();
      setForm(EMPTY_FORM);
      setErrors({});
    }
  }

  function change(next: EndpointForm) {
    setForm(next);
    // Once a field is edited its old message no longer describes it.
    setErrors((prev) => ({
      ...prev,
      ...(next.url !== form.url ? { url: undefined } : {}),
      ...(next.description !== form.description ? { description: undefined } : {}),
      ...(next.events !== form.events ? { events: undefined } : {}),
      form: undefined,
    }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = validateEndpointForm(form);
    setErrors(found);
    if (hasErrors(found)) return;
    create.mutate(createInput(form));
  }

  const created = create.data;
  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogContent className="sm:max-w-[560px]" data-testid="create-webhook-dialog">
        {created ? (
          <>
            <DialogHeader>
              <DialogTitle>Copy the signing secret</DialogTitle>
              <DialogDescription>
                Deliveries to{" "}
                <span className="font-mono text-[13px] break-all text-foreground">
                  {created.endpoint.url}
                </span>{" "}
                are signed with this secret (Standard Webhooks). Store it with the receiver now.
              </DialogDescription>
            </DialogHeader>
            <div className="flex items-center gap-2 rounded-lg border bg-subtle p-2 pl-3">
              <code
                className="min-w-0 flex-1 font-mono text-[13px] break-all select-all"
                data-testid="new-webhook-secret"
              >
                {created.secret}
              </code>
              <CopyButton value={created.secret} label="Copy secret" />
            </div>
            <p className="flex items-start gap-2 rounded-md border border-warning/30 bg-warning/10 px-3 py-2 text-[13px]">
              <AlertTriangleIcon className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
              This secret will not be shown again. If it is lost or leaks, delete the endpoint and add it
              again for a new one.
            </p>
            <DialogFooter>
              <Button onClick={() => close(false)}>Done</Button>
            </DialogFooter>
          </>
        ) : (
          <>
            <DialogHeader>
              <DialogTitle>Add webhook endpoint</DialogTitle>
              <DialogDescription>
                The endpoint is told when sessions and users change. Subscribe it only to what it needs.
              </DialogDescription>
            </DialogHeader>
            <form onSubmit={submit} className="space-y-5" noValidate>
              <EndpointFields form={form} onChange={change} errors={errors} autoFocus />
              <DialogFooter>
                <Button variant="outline" onClick={() => close(false)}>
                  Cancel
                </Button>
                <Button type="submit" disabled={create.isPending}>
                  {create.isPending && <Loader2Icon className="animate-spin" aria-hidden="true" />} Add
                  endpoint
                </Button>
              </DialogFooter>
            </form>
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}
