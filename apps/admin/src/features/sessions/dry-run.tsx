// A bulk revoke's dry run, streamed (sessions.previewRevoke): the sample as soon as it is read,
// the exact count's progress window by window, and a Stop button. On millions of sessions the
// count takes seconds; before, the dialog said "Counting…" with nothing to show and no way out.
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useMemo, useState } from "react";
import { DeviceIcon, deviceLabel, RelativeTime } from "@/components/bits";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/errors";
import { formatDateTime, formatNumber } from "@/lib/format";
import { useTRPC, type RouterInputs, type RouterOutputs } from "@/lib/trpc";

type SessionInfo = NonNullable<RouterOutputs["sessions"]["get"]>;
type Filter = RouterInputs["sessions"]["previewRevoke"]["filter"];

/** What the API's stream sends (apps/api's RevokePreviewEvent). */
type PreviewEvent = RouterOutputs["sessions"]["previewRevoke"] extends AsyncIterable<infer E> ? E : never;
type CountProgress = Omit<Extract<PreviewEvent, { type: "progress" }>, "type">;

export type DryRun =
  | { kind: "counting"; progress: CountProgress | null; sample: SessionInfo[] | null }
  | { kind: "stopped"; progress: CountProgress | null; sample: SessionInfo[] | null }
  | { kind: "done"; matched: number; sample: SessionInfo[] }
  | { kind: "error"; error: unknown };

const STARTING: DryRun = { kind: "counting", progress: null, sample: null };

/**
 * Runs the dry run while `open`: again from the start whenever the filter changes or the admin
 * asks (`restart`); `stop` closes the stream, which stops the count on the server too.
 */
export function useDryRun(filter: Filter, open: boolean) {
  const trpc = useTRPC();
  const [state, setState] = useState<DryRun>(STARTING);
  const [running, setRunning] = useState(true);
  // Keyed by value: a new filter object with the same fields is the same dry run.
  const key = JSON.stringify(filter);
  const input = useMemo(() => ({ filter }), [key]); // eslint-disable-line react-hooks/exhaustive-deps

  // A new run each time the dialog opens or the filter changes: state reset during render, as
  // React's docs advise for state that follows a prop (not in an effect, a render late).
  const run = open ? key : null;
  const [runOf, setRunOf] = useState(run);
  if (run !== runOf) {
    setRunOf(run);
    setState(STARTING);
    setRunning(true);
  }

  useSubscription(
    trpc.sessions.previewRevoke.subscriptionOptions(input, {
      enabled: open && running,
      onData: (event) => {
        if (event.type === "done") {
          setState({ kind: "done", matched: event.matched, sample: event.sample });
          setRunning(false);
          return;
        }
        setState((s) => {
          if (s.kind !== "counting") return s;
          return event.type === "sample" ? { ...s, sample: event.sample } : { ...s, progress: event };
        });
      },
      onError: (error) => {
        setState({ kind: "error", error });
        setRunning(false);
      },
    }),
  );

  const stop = useCallback(() => {
    setRunning(false);
    setState((s) => (s.kind === "counting" ? { ...s, kind: "stopped" } : s));
  }, []);
  const restart = useCallback(() => {
    setState((s) => ({ kind: "counting", progress: null, sample: s.kind === "error" ? null : s.sample }));
    setRunning(true);
  }, []);
  return { state, stop, restart };
}

/** The matched figure once exact, for the confirmation rules. */
export function exactMatched(state: DryRun): number | undefined {
  return state.kind === "done" ? state.matched : undefined;
}

export function DryRunPanel({
  state,
  onStop,
  onRestart,
  emptyMessage,
}: {
  state: DryRun;
  onStop: () => void;
  onRestart: () => void;
  /** What to say when nothing matches. */
  emptyMessage: string;
}) {
  const sample = state.kind === "error" ? null : state.sample;
  return (
    <div className="rounded-lg border">
      <div className="flex items-center justify-between gap-3 border-b bg-subtle px-3 py-2.5">
        <span className="text-xs font-medium tracking-wide text-muted-foreground uppercase">Dry run</span>
        <Headline state={state} />
      </div>
      {/* Announced once per outcome, not at every window's figure (several a second). */}
      <span className="sr-only" role="status">
        {state.kind === "done"
          ? `${formatNumber(state.matched)} matching sessions`
          : state.kind === "stopped"
            ? "Counting stopped"
            : ""}
      </span>
      {(state.kind === "counting" || state.kind === "stopped") && (
        <CountingStatus state={state} onStop={onStop} onRestart={onRestart} />
      )}
      {state.kind === "error" ? (
        <div className="flex items-center justify-between gap-3 px-3 py-4">
          <p role="alert" className="text-sm text-destructive">
            {errorMessage(state.error, "Couldn't preview this revoke.")}
          </p>
          <Button size="sm" variant="outline" onClick={onRestart}>
            Try again
          </Button>
        </div>
      ) : sample === null ? (
        <div className="space-y-2 p-3">
          {Array.from({ length: 3 }, (_, i) => (
            <Skeleton key={i} className="h-6" />
          ))}
        </div>
      ) : sample.length === 0 ? (
        <p className="px-3 py-4 text-sm text-muted-foreground">{emptyMessage}</p>
      ) : (
        <ul
          // Scrollable, so reachable by keyboard: focus it and the arrow keys scroll.
          tabIndex={0}
          className="max-h-52 divide-y overflow-y-auto rounded-md outline-none focus-visible:ring-2 focus-visible:ring-ring"
          aria-label="Sample of matching sessions"
        >
          {sample.map((s) => (
            <li key={s.id} className="flex items-center gap-2.5 px-3 py-2 text-sm">
              <DeviceIcon type={s.deviceType} className="size-3.5" />
              <span className="min-w-0 flex-1 truncate">{s.user.email}</span>
              <span className="hidden text-xs text-muted-foreground sm:inline">
                {deviceLabel(s.browser, s.os)}
              </span>
              <RelativeTime
                date={s.createdAt}
                short
                className="w-14 text-right text-xs text-muted-foreground"
              />
            </li>
          ))}
          {state.kind === "done" && state.matched > sample.length && (
            <li className="px-3 py-2 text-xs text-muted-foreground">
              and {formatNumber(state.matched - sample.length)} more
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

function Headline({ state }: { state: DryRun }) {
  switch (state.kind) {
    case "done":
      return (
        <span className="text-sm font-semibold tabular" data-testid="dry-run-count">
          {formatNumber(state.matched)} matching
        </span>
      );
    case "counting":
      return (
        <span className="text-sm text-muted-foreground tabular" data-testid="dry-run-counting">
          {state.progress && state.progress.matched > 0
            ? `Counting… ${formatNumber(state.progress.matched)} so far`
            : "Counting…"}
        </span>
      );
    case "stopped":
      return (
        <span className="text-sm text-muted-foreground tabular" data-testid="dry-run-stopped">
          Stopped{state.progress ? ` at ${formatNumber(state.progress.matched)}+` : ""}
        </span>
      );
    case "error":
      return <span className="text-sm text-muted-foreground">—</span>;
  }
}

/** The bar and what it means, with Stop (or, once stopped, Count again). */
function CountingStatus({
  state,
  onStop,
  onRestart,
}: {
  state: Extract<DryRun, { kind: "counting" | "stopped" }>;
  onStop: () => void;
  onRestart: () => void;
}) {
  const percent = Math.floor((state.progress?.fraction ?? 0) * 100);
  const from = state.progress?.countedFrom;
  return (
    <div className="space-y-2 border-b px-3 py-2.5">
      <div
        role="progressbar"
        aria-label="Exact count of matching sessions"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% checked`}
        className="h-1.5 overflow-hidden rounded-full bg-muted"
      >
        <div
          className="h-full rounded-full bg-primary transition-[width] duration-300 motion-reduce:transition-none"
          style={{ width: `${percent}%` }}
        />
      </div>
      <div className="flex items-center justify-between gap-3">
        <p className="text-xs text-muted-foreground">
          {state.kind === "stopped"
            ? "Counting stopped. The exact count is needed to confirm."
            : from
              ? `Checked sessions created since ${formatDateTime(from)} (${percent}%).`
              : "Starting the exact count…"}
        </p>
        {state.kind === "counting" ? (
          <Button size="sm" variant="outline" onClick={onStop}>
            Stop counting
          </Button>
        ) : (
          <Button size="sm" variant="outline" onClick={onRestart}>
            Count again
          </Button>
        )}
      </div>
    </div>
  );
}
