import { useRouterState, type HistoryState } from "@tanstack/react-router";
import { ChevronLeftIcon, ChevronRightIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/input";
import {
  hasPreviousPage,
  nextPage,
  pageNumber,
  previousPage,
  stackFromState,
  type PagePosition,
} from "@/features/sessions/pagination";

export interface PageMove {
  cursor: string | undefined;
  /** History entry state carrying the cursors of earlier pages. */
  state: (prev: HistoryState) => HistoryState;
}

/**
 * Keyset paging over the URL's cursor and the history entry's stack of earlier cursors. `go` puts a
 * move into the URL (each page keeps its own other search params); previous/next call it.
 */
export function useCursorPages(
  cursor: string | undefined,
  nextCursor: string | null | undefined,
  go: (move: PageMove) => void,
) {
  const locationState = useRouterState({ select: (s) => s.location.state });
  const position: PagePosition = { cursor, stack: stackFromState(locationState) };
  const move = (p: PagePosition): PageMove => ({
    cursor: p.cursor,
    state: (prev) => Object.assign({}, prev, { cursors: p.stack }),
  });
  return {
    page: pageNumber(position),
    hasPrevious: hasPreviousPage(position),
    hasNext: Boolean(nextCursor),
    next: () => {
      if (nextCursor) go(move(nextPage(position, nextCursor)));
    },
    previous: () => go(move(previousPage(position))),
  };
}

export function Pager({
  page,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  shown,
  total,
  pageSize,
  pageSizes,
  onPageSize,
  noun = "rows",
}: {
  page: number | undefined;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  shown: number;
  /** Rows across all pages, when known: "26–50 of 128". */
  total?: number;
  pageSize?: number;
  pageSizes?: readonly number[];
  onPageSize?: (size: number) => void;
  noun?: string;
}) {
  const from = page !== undefined && pageSize ? (page - 1) * pageSize + 1 : undefined;
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 border-t px-4 py-3 text-sm text-muted-foreground">
      <div className="flex items-center gap-3">
        <span className="tabular" aria-live="polite">
          {shown === 0
            ? `No ${noun}`
            : from !== undefined
              ? `${from.toLocaleString("en-US")}–${(from + shown - 1).toLocaleString("en-US")}${total !== undefined && total >= from + shown - 1 ? ` of ${total.toLocaleString("en-US")}` : ""}`
              : `${shown} ${noun}`}
          {page !== undefined && <span className="hidden sm:inline"> · Page {page}</span>}
        </span>
        {pageSizes && onPageSize && pageSize && (
          <label className="flex items-center gap-2">
            <span className="hidden sm:inline">Rows per page</span>
            <span className="sr-only sm:hidden">Rows per page</span>
            <NativeSelect
              aria-label="Rows per page"
              value={String(pageSize)}
              onChange={(e) => onPageSize(Number(e.target.value))}
              className="w-[4.5rem] [&_select]:h-8 [&_select]:text-[13px]"
            >
              {pageSizes.map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </NativeSelect>
          </label>
        )}
      </div>
      <div className="flex items-center gap-2">
        <Button
          variant="outline"
          size="sm"
          onClick={onPrevious}
          disabled={!hasPrevious}
          aria-label="Previous page"
        >
          <ChevronLeftIcon /> <span className="hidden sm:inline">Previous</span>
        </Button>
        <Button variant="outline" size="sm" onClick={onNext} disabled={!hasNext} aria-label="Next page">
          <span className="hidden sm:inline">Next</span> <ChevronRightIcon />
        </Button>
      </div>
    </div>
  );
}
