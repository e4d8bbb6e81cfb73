// The overview's cleanup card: how many ended sessions are past their retention (what the cleanup
// job deletes on its next round), and, for admins, "Clean up now" behind a confirmation. The server
// answers 409 while the job (or another admin) is already running it; the toast says so.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Trash2Icon } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/errors";
import { duration, formatNumber, plural } from "@/lib/format";
import { useLive } from "@/lib/live";
import { useTRPC } from "@/lib/trpc";
import { useViewer } from "@/lib/viewer";

export function CleanupCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { refetchInterval } = useLive();
  const { canManage } = useViewer();
  const [open, setOpen] = useState(false);
  const preview = useQuery(trpc.maintenance.cleanupPreview.queryOptions(undefined, { refetchInterval }));
  const cleanUp = useMutation(
    trpc.maintenance.cleanUp.mutationOptions({
      onSuccess: async (result) => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.maintenance.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.sessions.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
        ]);
        const audit = result.auditEvents > 0 ? ` and ${plural(result.auditEvents, "audit event")}` : "";
        toast.success(`Deleted ${plural(result.sessions, "old session")}${audit}`);
        setOpen(false);
      },
      onError: (error) => toast.error(errorMessage(error, "Couldn't clean up.")),
    }),
  );
  const data = preview.data;
  const retention = data ? duration(data.retentionMs / 1000) : null;
  const due = data?.sessions ?? 0;

  return (
    <Card data-testid="cleanup-card">
      <CardHeader className="flex-row items-start justify-between gap-4">
        <div className="space-y-1">
          <CardTitle>Cleanup</CardTitle>
          <CardDescription>
            Sessions that ended (expired or revoked) more than {retention ?? "…"} ago are deleted
            automatically.
            {data?.auditRetentionMs
              ? ` Audit events are kept for ${duration(data.auditRetentionMs / 1000)}.`
              : ""}
          </CardDescription>
        </div>
        {canManage && (
          <Button variant="outline" size="sm" disabled={!data || due === 0} onClick={() => setOpen(true)}>
            <Trash2Icon aria-hidden="true" />
            Clean up now
          </Button>
        )}
      </CardHeader>
      <CardContent className="pt-3">
        {preview.isPending ? (
          <Skeleton className="h-6 w-48" />
        ) : preview.isError ? (
          <p className="text-sm text-destructive">{errorMessage(preview.error)}</p>
        ) : (
          <p className="text-sm" data-testid="cleanup-due">
            <span className="font-semibold tabular">{formatNumber(due)}</span>{" "}
            {due === 1 ? "session is" : "sessions are"} due for deletion.
          </p>
        )}
      </CardContent>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title="Delete old sessions now?"
        description={
          <>
            This permanently deletes {plural(due, "session")} that ended more than {retention} ago
            {data?.auditRetentionMs ? ", and audit events past their retention" : ""}. They can no longer be
            looked up. The deletion is recorded in the audit log.
          </>
        }
        confirmLabel="Delete"
        pending={cleanUp.isPending}
        onConfirm={() => cleanUp.mutate()}
        testId="cleanup-dialog"
      />
    </Card>
  );
}
