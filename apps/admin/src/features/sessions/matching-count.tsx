// "N matching" beside the filters: exact, or "10,000+" when counting further would take long
// (sessions.countMatching; the bulk revoke's dry run counts exactly).
import { Skeleton } from "@/components/ui/skeleton";
import { formatNumber } from "@/lib/format";
import type { RouterOutputs } from "@/lib/trpc";
import { cn } from "@/lib/utils";

type MatchingCountData = RouterOutputs["sessions"]["countMatching"];

/**
 * How many sessions the current filters match, across every page: exact, or "10,000+" when
 * counting further would take long (the bulk revoke's dry run counts exactly).
 */
export function MatchingCount({ count, stale }: { count: MatchingCountData | undefined; stale: boolean }) {
  return (
    <span
      className={cn(
        "inline-flex h-9 items-center gap-1 text-[13px] whitespace-nowrap text-muted-foreground transition-opacity",
        stale && "opacity-60",
      )}
    >
      {count === undefined ? (
        <Skeleton className="h-4 w-16" />
      ) : (
        <>
          <span
            className="font-medium text-foreground tabular"
            data-testid="matching-count"
            title={
              count.exact
                ? undefined
                : `More than ${formatNumber(count.count)} match. "Revoke matching…" counts them exactly.`
            }
          >
            {formatNumber(count.count)}
            {count.exact ? "" : "+"}
          </span>
          matching
        </>
      )}
    </span>
  );
}
