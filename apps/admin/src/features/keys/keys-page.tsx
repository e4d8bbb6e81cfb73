import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper, useTable } from "@tanstack/react-table";
import {
  AlertTriangleIcon,
  KeyRoundIcon,
  Loader2Icon,
  PlusIcon,
  ShieldAlertIcon,
  Trash2Icon,
} from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { LIMITS } from "@sessions/core/vocab";
import { CopyButton, EmptyState, ErrorState, PageHeader, RelativeTime } from "@/components/bits";
import { DataTable, tableCore } from "@/components/data-table";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input, Label } from "@/components/ui/input";
import { Tooltip } from "@/components/ui/tooltip";
import { errorMessage } from "@/lib/errors";
import { useWithReauth } from "@/lib/reauth";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { useViewer } from "@/lib/viewer";
import { SCOPES, scopesError, type Scope } from "./scopes";

type ApiKey = RouterOutputs["keys"]["list"]["items"][number];

const helper = createColumnHelper<typeof tableCore, ApiKey>();

/** Lifetimes the console offers; the API takes any whole number of days up to LIMITS.apiKeyExpiryDays. */
const EXPIRY_CHOICES = [
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
  { value: "never", label: "Never" },
] as const;
type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"];

const isExpired = (k: ApiKey) => k.expiresAt !== null && k.expiresAt.getTime() <= Date.now();

function CreateKeyDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["sessions:read"]);
  const [touched, setTouched] = useState(false);
  const [expiry, setExpiry] = useState<ExpiryChoice>("90");
  const nameId = useId();
  const expiryId = useId();
  const withReauth = useWithReauth();
  const create = useMutation(
    withReauth(
      trpc.keys.create.mutationOptions({
        onSuccess: async () => {
          await queryClient.invalidateQueries({ queryKey: trpc.keys.pathKey() });
        },
        onError: (error) => toast.error(errorMessage(error, "Couldn't create the key.")),
      }),
    ),
  );

  function close(next: boolean) {
    if (create.isPending) return;
    onOpenChange(next);
    if (!next) {
      // Forget the key as soon as the dialog closes: it is shown exactly once.
      create.reset();
      setName("");
      setScopes(["sessions:read"]);
      setExpiry("90");
      setTouched(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!name.trim() || scopesError(scopes)) return;
    create.mutate({ name: name.trim(), scopes, expiresInDays: expiry === "never" ? null : Number(expiry) });
  }

  const created = create.data;
  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogContent className="sm:max-w-[520px]" data-testid="create-key-dialog">
        {created ? (
          <>
            <DialogHeader>
              <DialogTitle>Copy your new key</DialogTitle>
              <DialogDescription>
                This is the only time{" "}
                <span className="font-medium text-foreground">{created.apiKey.name}</span> is shown. Store it
                in your secret manager now.
              </DialogDescription>
            </DialogHeader>
            <div className="flex items-center gap-2 rounded-lg border bg-subtle p-2 pl-3">
              <code
                className="min-w-0 flex-1 font-mono text-[13px] break-all select-all"
                data-testid="new-api-key"
              >
                {created.key}
              </code>
              <CopyButton value={created.key} label="Copy key" />
            </div>
            <p className="flex items-start gap-2 rounded-md border border-warning/30 bg-warning/10 px-3 py-2 text-[13px]">
              <AlertTriangleIcon className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
              Anyone with this key can act with its scopes. If it leaks, revoke it here.
            </p>
            <DialogFooter>
              <Button onClick={() => close(false)}>Done</Button>
            </DialogFooter>
          </>
        ) : (
          <>
            <DialogHeader>
              <DialogTitle>Create API key</DialogTitle>
              <DialogDescription>
                For an internal service calling the API. Grant only the scopes it needs.
              </DialogDescription>
            </DialogHeader>
            <form onSubmit={submit} className="space-y-5" noValidate>
              <div className="space-y-2">
                <Label htmlFor={nameId}>Name</Label>
                <Input
                  id={nameId}
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  placeholder="e.g. billing-service"
                  maxLength={LIMITS.apiKeyName}
                  autoFocus
                  aria-invalid={touched && !name.trim() ? true : undefined}
                />
                {touched && !name.trim() && <p className="text-xs text-destructive">Give the key a name.</p>}
              </div>
              <div className="space-y-2">
                <Label htmlFor={expiryId}>Expires</Label>
                <select
                  id={expiryId}
                  value={expiry}
                  onChange={(e) => setExpiry(e.target.value as ExpiryChoice)}
                  className="h-9 w-full rounded-md border bg-transparent px-3 text-sm"
                >
                  {EXPIRY_CHOICES.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </select>
                <p className="text-xs text-muted-foreground">
                  An expired key is refused like a revoked one. Keys this key makes never outlive it.
                </p>
              </div>
              <fieldset className="space-y-2">
                <legend className="mb-2 text-sm font-medium">Scopes</legend>
                <div className="divide-y rounded-lg border">
                  {SCOPES.map((scope) => {
                    const id = `scope-${scope.value}`;
                    const checked = scopes.includes(scope.value);
                    return (
                      <label
                        key={scope.value}
                        htmlFor={id}
                        className="flex cursor-pointer items-start gap-3 px-3 py-2.5 hover:bg-subtle"
                      >
                        <Checkbox
                          id={id}
                          checked={checked}
                          onCheckedChange={(value) =>
                            setScopes((prev) =>
                              value === true ? [...prev, scope.value] : prev.filter((s) => s !== scope.value),
                            )
                          }
                          className="mt-0.5"
                        />
                        <span className="min-w-0">
                          <span className="block font-mono text-[13px]">{scope.value}</span>
                          <span className="block text-xs text-muted-foreground">{scope.description}</span>
                        </span>
                      </label>
                    );
                  })}
                </div>
                {touched && scopesError(scopes) && (
                  <p className="text-xs text-destructive">{scopesError(scopes)}</p>
                )}
              </fieldset>
              <DialogFooter>
                <Button variant="outline" onClick={() => close(false)}>
                  Cancel
                </Button>
                <Button type="submit" disabled={create.isPending}>
                  {create.isPending && <Loader2Icon className="animate-spin" />} Create key
                </Button>
              </DialogFooter>
            </form>
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}

function RevokeKeyDialog({
  apiKey,
  onOpenChange,
}: {
  apiKey: ApiKey | null;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.keys.revoke.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.keys.pathKey() });
        if (result.ok) toast.success("API key revoked", { description: apiKey?.name });
        else toast.error("Key not found or already revoked");
        onOpenChange(false);
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  return (
    <Dialog open={apiKey !== null} onOpenChange={(open) => !revoke.isPending && onOpenChange(open)}>
      <DialogContent className="sm:max-w-[440px]">
        <DialogHeader>
          <DialogTitle>Revoke {apiKey?.name}?</DialogTitle>
          <DialogDescription>
            Services using this key get UNAUTHORIZED on their next call, and so does every key it made (and
            the keys those made). This can't be undone; create a new key instead.
          </DialogDescription>
        </DialogHeader>
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)} disabled={revoke.isPending}>
            Cancel
          </Button>
          <Button
            variant="destructive"
            disabled={revoke.isPending}
            onClick={() => apiKey && revoke.mutate({ id: apiKey.id })}
          >
            Revoke key
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** A key's last use or expiry: a relative time, or "Never" when there is none. */
function TimeOrNever({ date }: { date: Date | null }) {
  return date ? (
    <RelativeTime date={date} className="text-muted-foreground" />
  ) : (
    <span className="text-muted-foreground">Never</span>
  );
}

export function KeysPage() {
  const trpc = useTRPC();
  const viewer = useViewer();
  const [createOpen, setCreateOpen] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const keys = useQuery(trpc.keys.list.queryOptions(undefined, { enabled: viewer.canManage }));

  const columns = helper.columns([
    helper.display({
      id: "name",
      header: "Name",
      cell: ({ row }) => (
        <div className="flex items-center gap-2.5">
          <span className="flex size-7 items-center justify-center rounded-md border bg-subtle">
            <KeyRoundIcon className="size-3.5 text-muted-foreground" />
          </span>
          <span className="font-medium">{row.original.name}</span>
        </div>
      ),
    }),
    helper.display({
      id: "preview",
      header: "Key",
      cell: ({ row }) => (
        <code className="font-mono text-xs text-muted-foreground">…{row.original.keyPreview}</code>
      ),
    }),
    helper.display({
      id: "scopes",
      header: "Scopes",
      cell: ({ row }) => (
        <div className="flex max-w-[22rem] flex-wrap gap-1">
          {row.original.scopes.map((s) => (
            <Badge key={s} variant="outline" className="font-mono text-[11px] font-normal">
              {s}
            </Badge>
          ))}
        </div>
      ),
    }),
    helper.display({
      id: "created",
      header: "Created",
      cell: ({ row }) => <RelativeTime date={row.original.createdAt} className="text-muted-foreground" />,
    }),
    helper.display({
      id: "lastUsed",
      header: "Last used",
      cell: ({ row }) => <TimeOrNever date={row.original.lastUsedAt} />,
    }),
    helper.display({
      id: "expires",
      header: "Expires",
      cell: ({ row }) => <TimeOrNever date={row.original.expiresAt} />,
    }),
    helper.display({
      id: "madeBy",
      header: "Made by",
      cell: ({ row }) => {
        const parentId = row.original.parentKeyId;
        if (!parentId) return <span className="text-muted-foreground">An operator</span>;
        const parent = keys.data?.items.find((k) => k.id === parentId);
        return (
          <span className="text-muted-foreground">Key {parent ? parent.name : `…${parentId.slice(-8)}`}</span>
        );
      },
    }),
    helper.display({
      id: "status",
      header: "Status",
      cell: ({ row }) =>
        row.original.revokedAt ? (
          <Badge variant="destructive">Revoked</Badge>
        ) : isExpired(row.original) ? (
          <Badge variant="destructive">Expired</Badge>
        ) : (
          <Badge variant="success">Active</Badge>
        ),
    }),
    helper.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) =>
        row.original.revokedAt ? null : (
          <Tooltip content="Revoke key">
            <Button
              variant="ghost"
              size="icon-sm"
              className="text-muted-foreground hover:bg-destructive/10 hover:text-destructive"
              aria-label={`Revoke key ${row.original.name}`}
              onClick={() => setRevoking(row.original)}
            >
              <Trash2Icon />
            </Button>
          </Tooltip>
        ),
    }),
  ]);
  const table = useTable({
    features: tableCore,
    columns,
    data: keys.data?.items ?? EMPTY,
    getRowId: (row) => row.id,
  });

  if (!viewer.canManage) {
    return (
      <EmptyState
        icon={ShieldAlertIcon}
        title="Admins only"
        description="API keys are managed by administrators."
      />
    );
  }

  return (
    <div>
      <PageHeader
        title="API keys"
        description="Keys let internal services create, validate and end sessions. Each key carries only the scopes you grant."
        actions={
          <Button onClick={() => setCreateOpen(true)}>
            <PlusIcon /> Create key
          </Button>
        }
      />
      <Card className="overflow-hidden">
        {keys.isError ? (
          <ErrorState message={errorMessage(keys.error)} onRetry={() => void keys.refetch()} />
        ) : (
          <DataTable
            table={table}
            caption="API keys"
            loading={keys.isPending}
            skeletonRows={3}
            columnClass={{
              preview: "hidden md:table-cell",
              created: "hidden lg:table-cell",
              lastUsed: "hidden sm:table-cell",
              expires: "hidden sm:table-cell",
              madeBy: "hidden lg:table-cell",
              actions: "w-12 text-right",
            }}
            rowClass={(k) => (k.revokedAt ? "opacity-60" : undefined)}
            empty={
              <EmptyState
                icon={KeyRoundIcon}
                title="No API keys yet"
                description="Create one for each service that calls the API, so you can revoke them one by one."
                action={
                  <Button size="sm" onClick={() => setCreateOpen(true)}>
                    <PlusIcon /> Create key
                  </Button>
                }
              />
            }
          />
        )}
      </Card>
      <CreateKeyDialog open={createOpen} onOpenChange={setCreateOpen} />
      <RevokeKeyDialog apiKey={revoking} onOpenChange={(open) => !open && setRevoking(null)} />
    </div>
  );
}

const EMPTY: ApiKey[] = [];
